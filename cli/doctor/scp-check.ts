/**
 * Whether a service control policy keeps launchers from opting out of remediation by themselves:
 * a Deny of `ec2:RunInstances` (or a wildcard that covers it) on requests carrying the
 * `ec2trail:ack` tag key. Read from the policies' documents, as IAM would match them. Pure.
 */

import { ACK_TAG } from '../../lambda/domain/remediation/settings';

interface Statement {
  readonly Effect?: unknown;
  readonly Action?: unknown;
  readonly Condition?: unknown;
}

const list = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value)
      ? value.filter((v) => typeof v === 'string')
      : [];

/** IAM's action wildcards: `*` any run of characters, `?` one, case-insensitively. */
function coversRunInstances(action: string): boolean {
  const pattern = new RegExp(
    `^${action
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return pattern.test('ec2:RunInstances');
}

/** Whether a condition block names the ack tag among the request's tag keys (aws:TagKeys or aws:RequestTag/…). */
function namesAckTag(condition: unknown): boolean {
  if (condition === null || typeof condition !== 'object') return false;
  for (const block of Object.values(condition as Record<string, unknown>)) {
    if (block === null || typeof block !== 'object') continue;
    for (const [key, values] of Object.entries(block as Record<string, unknown>)) {
      if (key.toLowerCase() === `aws:requesttag/${ACK_TAG}`) return true;
      if (
        key.toLowerCase() === 'aws:tagkeys' &&
        list(values).some((v) => v === ACK_TAG || v === 'ec2trail:*')
      )
        return true;
    }
  }
  return false;
}

/** The name of the first policy that reserves the ack tag at launch, or null. */
export function reservingPolicy(
  policies: readonly { readonly name: string; readonly content: string }[],
): string | null {
  for (const policy of policies) {
    let document: { Statement?: unknown };
    try {
      document = JSON.parse(policy.content) as { Statement?: unknown };
    } catch {
      continue;
    }
    const statements = (
      Array.isArray(document.Statement) ? document.Statement : [document.Statement]
    ) as Statement[];
    for (const s of statements) {
      if (s?.Effect !== 'Deny') continue;
      if (!list(s.Action).some(coversRunInstances)) continue;
      if (namesAckTag(s.Condition)) return policy.name;
    }
  }
  return null;
}
