/** EC2's rules for tag keys and values, which owner tags and remediation's marks both follow. */

export interface Tag {
  readonly key: string;
  readonly value: string;
}

export const TAG_VALUE_MAX = 256;
export const TAG_KEY_MAX = 128;
/** The characters every AWS service accepts in a tag. */
const NOT_ALLOWED = /[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu;

/** A value EC2 (and every other service) accepts: others characters become `_`, cut at 256. */
export function sanitizeTagValue(value: string): string {
  let clean = value.replace(NOT_ALLOWED, '_');
  // `aws:` starts only AWS's own tags; a value may not begin with it either.
  if (/^aws:/i.test(clean)) clean = `_${clean}`;
  return [...clean].slice(0, TAG_VALUE_MAX).join('');
}

/** Why a configured key cannot be a tag key, or null when it can. */
export function tagKeyProblem(key: string): string | null {
  if ([...key].length === 0 || [...key].length > TAG_KEY_MAX) return `must be 1 to ${TAG_KEY_MAX} characters`;
  if (/^aws:/i.test(key)) return 'must not start with "aws:" (reserved for AWS)';
  // Remediation reads these: an owner tag of that name would acknowledge or protect every launch.
  if (/^ec2trail:/i.test(key)) return 'must not start with "ec2trail:" (reserved for ec2trail\'s own tags)';
  if (new RegExp(NOT_ALLOWED.source, 'u').test(key))
    return 'may hold only letters, digits, spaces and _ . : / = + - @';
  if (/[\s/]/.test(key)) return 'must not hold spaces or "/": instance metadata tags cannot show such keys';
  return null;
}
