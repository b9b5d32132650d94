/**
 * The SNS filter policy that delivers a person their own alerts and nothing else. Pure: the
 * stack puts it on the person's email subscription, the tests check it against the emulator.
 *
 * SNS matches attribute values exactly or by prefix, not by wildcard, so a person is named by
 * exact names (compared lower-cased, as the function lower-cases `person`) and by ARN prefixes.
 * A filter policy may combine at most 150 values (SNS quotas): the names and prefixes of one
 * person times the severities must stay under it.
 */

import { SEVERITIES, type Severity } from './policy/schema';

export interface PersonContact {
  readonly email: string;
  /** Names they act under: IAM user names, SSO session names, source identities. */
  readonly names: readonly string[];
  /** ARN prefixes of their principals, e.g. arn:aws:iam::111122223333:user/alice. */
  readonly arnPrefixes: readonly string[];
}

export interface PeopleSettings {
  /** IAM Identity Center session names are email addresses: each email is also a name. */
  readonly sessionNameIsEmail: boolean;
  /** The lowest severity a person is told of. */
  readonly minSeverity: Severity;
  /** They also receive their own digest (`kind=digest`, `scope=person`). */
  readonly digests?: boolean;
}

/** SNS: at most 150 combinations of values in one filter policy. */
export const FILTER_COMBINATIONS_MAX = 150;

export function personNames(contact: PersonContact, settings: PeopleSettings): string[] {
  const names = [...contact.names, ...(settings.sessionNameIsEmail ? [contact.email] : [])];
  return [...new Set(names.map((n) => n.toLowerCase()))];
}

export function personFilterPolicy(
  contact: PersonContact,
  settings: PeopleSettings,
): Record<string, unknown> {
  const severities = SEVERITIES.slice(SEVERITIES.indexOf(settings.minSeverity));
  const names = personNames(contact, settings);
  const byName = names.length > 0 ? [{ person: names }] : [];
  const byArn =
    contact.arnPrefixes.length > 0 ? [{ personArn: contact.arnPrefixes.map((prefix) => ({ prefix })) }] : [];
  const who = [...byName, ...byArn];
  // Alerts only: a person is not sent alarms about ec2trail itself.
  const alerts = { kind: ['alert'], severity: severities };
  if (!settings.digests) return { ...alerts, ...(who.length === 1 ? who[0] : { $or: who }) };
  // Their alerts or their digest: one subscription per address, so both live in one policy.
  const digests = { kind: ['digest'], scope: ['person'] };
  return { $or: [...who.map((w) => ({ ...alerts, ...w })), ...who.map((w) => ({ ...digests, ...w }))] };
}

/**
 * The team's email and SMS filter: alerts and alarms from a severity up, and with `digest` the
 * team's digest too (digests have no severity, so the severity filter alone never passes one).
 */
export function teamFilterPolicy(minSeverity: Severity, digest: boolean): Record<string, unknown> {
  const severity = { severity: SEVERITIES.slice(SEVERITIES.indexOf(minSeverity)) };
  return digest ? { $or: [severity, { kind: ['digest'], scope: ['team'] }] } : severity;
}

/** How many value combinations SNS counts for the policy (kind × severities × the matches). */
export function filterCombinations(contact: PersonContact, settings: PeopleSettings): number {
  const severities = SEVERITIES.length - SEVERITIES.indexOf(settings.minSeverity);
  const matches = personNames(contact, settings).length + contact.arnPrefixes.length;
  // With digests, each match once more: kind=digest × scope=person × the match.
  return severities * matches + (settings.digests ? matches : 0);
}
