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
  return {
    // Alerts only: a person is not sent alarms about ec2trail itself.
    kind: ['alert'],
    severity: severities,
    ...(who.length === 1 ? who[0] : { $or: who }),
  };
}

/** How many value combinations SNS counts for the policy (kind × severities × the matches). */
export function filterCombinations(contact: PersonContact, settings: PeopleSettings): number {
  const severities = SEVERITIES.length - SEVERITIES.indexOf(settings.minSeverity);
  return severities * (personNames(contact, settings).length + contact.arnPrefixes.length);
}
