/**
 * Whom the rules about people judge (root, console without MFA, allowed launchers, the quota,
 * exemptions by caller): the person behind a service's call when one is known, else the caller.
 * Auto Scaling launching for bob is judged as bob; Auto Scaling launching on its own, as itself.
 */

import { type CallerFacts, callerFacts, isVerifiedPerson } from '../lineage/link';
import { describeResource } from '../lineage/resources';
import type { AttributionRecord } from '../record';

export interface JudgedPerson {
  readonly facts: CallerFacts;
  /** Their name in messages. */
  readonly label: string;
  /**
   * How they acted when a service made the call, for messages: "through autoscaling.amazonaws.com
   * for auto-scaling group web-asg: SetDesiredCapacity at 2026-03-02 10:02 UTC"; null for their own call.
   */
  readonly through: string | null;
}

function minute(time: string | null): string {
  return time && time.length >= 16 ? `${time.slice(0, 10)} ${time.slice(11, 16)} UTC` : 'an unknown time';
}

export function personOf(record: AttributionRecord): JudgedPerson {
  const { initiator, via } = record;
  if (record.lineage.byPerson || initiator === null) {
    const { actor } = record;
    return {
      facts: callerFacts(actor),
      label: actor.sourceIdentity ?? actor.name ?? actor.arn ?? 'an unidentified caller',
      through: null,
    };
  }
  const service = via
    ? `${via.service} for ${describeResource(via.resourceType, via.resourceId)}`
    : 'a service';
  return {
    // A cause stored before causes kept the quota subject still counts, by its principal.
    facts: {
      ...initiator,
      quotaSubject:
        initiator.quotaSubject ??
        (initiator.arn ? `principal:${initiator.arn}` : initiator.name ? `name:${initiator.name}` : null),
    },
    label: initiator.name ?? initiator.arn ?? 'an unidentified caller',
    through: `through ${service}: ${initiator.eventName} at ${minute(initiator.eventTime)}`,
  };
}

/** " (through …)" after a sentence about the person, or nothing for their own call. */
export function throughSuffix(person: JudgedPerson): string {
  return person.through ? ` (${person.through})` : '';
}

/** What a subscription filter matches to deliver a person their own alerts. */
export interface PersonAddress {
  /** Their name, lower-cased (filters match exactly): a source identity, an SSO session name, a user name. */
  readonly person: string;
  /** Their ARN, for filters on ARN prefixes. */
  readonly personArn: string;
}

/**
 * The `person` and `personArn` attributes of an alert about this record: set only for a verified
 * person (personProof), `unknown` otherwise.
 */
export function personAddressOf(record: AttributionRecord | undefined): PersonAddress {
  const unknown = { person: 'unknown', personArn: 'unknown' };
  if (!record) return unknown;
  const judged = personOf(record);
  // A name the caller chose routes nothing: the alert goes to the team, never to whom it names.
  if (!isVerifiedPerson(judged.facts)) return unknown;
  const named = judged.label === 'an unidentified caller' ? null : judged.label;
  return {
    person: named ? named.toLowerCase().slice(0, 256) : 'unknown',
    personArn: judged.facts.arn ? judged.facts.arn.slice(0, 1024) : 'unknown',
  };
}
