/**
 * Tag keys one feature owns and another must not write: ec2trail's own marks, AWS's prefix, and
 * the keys that protect an instance from remediation. If owner tags wrote `ec2trail:ack` or a
 * protected key on every launch, ec2trail would acknowledge or protect every instance itself, and
 * remediation would never stop anything while its alerts still said it would. Pure.
 */

import type { Policy } from './policy/schema';
import { ACK_TAG, BUILT_IN_PROTECTED_TAG, DEADLINE_TAG, VIOLATION_TAG } from './remediation/settings';

/** Keys that start with these belong to ec2trail and to AWS. */
export const RESERVED_TAG_PREFIXES = ['ec2trail:', 'aws:'] as const;

/** ec2trail's own tags, written by remediation or by a person to steer it. */
export const EC2TRAIL_TAGS = [VIOLATION_TAG, DEADLINE_TAG, ACK_TAG, BUILT_IN_PROTECTED_TAG[0]] as const;

/** The keys of the policy's protected tags: the built-in one, `protectedInstances`' and `remediation.protectedTags`'. */
export function protectedTagKeys(policy: Policy): string[] {
  return [
    ...new Set([
      BUILT_IN_PROTECTED_TAG[0],
      ...Object.keys(policy.rules.protectedInstances?.tags ?? {}),
      ...Object.keys(policy.remediation?.protectedTags ?? {}),
    ]),
  ];
}

/** Why owner tags may not write `key` beside this policy, or null. Keys compare as EC2 does: case-sensitively. */
export function ownerTagKeyConflict(key: string, policy: Policy): string | null {
  const prefix = RESERVED_TAG_PREFIXES.find((p) => key.toLowerCase().startsWith(p));
  if (prefix)
    return `owner tag "${key}" starts with "${prefix}", which is reserved (${prefix === 'aws:' ? 'for AWS' : `for ec2trail's own tags: ${EC2TRAIL_TAGS.join(', ')}`})`;
  if (protectedTagKeys(policy).includes(key))
    return `owner tag "${key}" is a protected tag key of the policy: written on every launch, it would keep remediation from ever acting`;
  return null;
}

/** Every conflict between the deploy's owner tag keys and its policy. */
export function ownerTagConflicts(keys: readonly string[], policy: Policy): string[] {
  return keys.flatMap((key) => {
    const problem = ownerTagKeyConflict(key, policy);
    return problem === null ? [] : [problem];
  });
}
