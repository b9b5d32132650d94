/**
 * The EventBridge event every policy violation also becomes, on the default bus, so teams route
 * it with their own rules (a ticket, a pager, a workflow). Pure: the adapter only sends it.
 *
 * The detail carries the event's records and its violations. PutEvents takes at most 256 KB per
 * entry (EventBridge quotas), so a launch of many instances keeps every instance id but sends
 * the full records of the first ones only, and says so.
 */

import { partitionOfRegion } from './partition';
import { highestSeverity, type Violation } from './policy/evaluate';
import type { AttributionRecord } from './record';

export const VIOLATION_SOURCE = 'ec2trail';
export const VIOLATION_DETAIL_TYPE = 'EC2 Launch Policy Violation';
/** Bumped when a field of the detail changes meaning or goes away; new fields do not bump it. */
export const VIOLATION_SCHEMA_VERSION = 1;

/** PutEvents' entry limit is 256 KB; the envelope and resources need room beside the detail. */
const DETAIL_BUDGET = 200_000;

export interface ViolationEvent {
  readonly source: typeof VIOLATION_SOURCE;
  readonly detailType: typeof VIOLATION_DETAIL_TYPE;
  /** The detail as JSON, within the budget. */
  readonly detail: string;
  /** The instances' ARNs (EventBridge's `resources`), so a rule can match on them. */
  readonly resources: readonly string[];
  /** The call's time, not the time it was judged. */
  readonly time: Date | null;
}

/** The person the event is about: the human behind a service's call when known, else the caller. */
export function personOf(record: AttributionRecord | undefined): string | null {
  return record?.initiator?.name ?? record?.initiator?.arn ?? record?.actor.name ?? record?.actor.arn ?? null;
}

/** One event's violations as an EventBridge event; `violations` must not be empty. */
export function violationEvent(
  records: readonly AttributionRecord[],
  violations: readonly Violation[],
): ViolationEvent {
  const first = records[0];
  const instanceIds = [...new Set(records.flatMap((r) => (r.instanceId ? [r.instanceId] : [])))];
  const base = {
    version: VIOLATION_SCHEMA_VERSION,
    eventKey: first?.eventKey ?? null,
    eventName: first?.eventName ?? null,
    action: first?.action ?? null,
    account: first?.account ?? null,
    region: first?.region ?? null,
    severity: highestSeverity(violations) ?? 'info',
    rules: [...new Set(violations.map((v) => v.rule))],
    person: personOf(first),
    actorArn: first?.actor.arn ?? null,
    instanceIds,
    violations,
  };
  let kept = records.length;
  let detail = JSON.stringify({ ...base, records, recordsOmitted: 0 });
  // Halve the records sent until it fits; the instance ids above are always all there.
  while (detail.length > DETAIL_BUDGET && kept > 0) {
    kept = Math.floor(kept / 2);
    detail = JSON.stringify({
      ...base,
      records: records.slice(0, kept),
      recordsOmitted: records.length - kept,
    });
  }
  const partition = partitionOfRegion(first?.region ?? '');
  const time = first?.eventTime ? new Date(first.eventTime) : null;
  return {
    source: VIOLATION_SOURCE,
    detailType: VIOLATION_DETAIL_TYPE,
    detail,
    resources:
      first?.account && first.region
        ? instanceIds.map((id) => `arn:${partition}:ec2:${first.region}:${first.account}:instance/${id}`)
        : [],
    time: time && !Number.isNaN(time.getTime()) ? time : null,
  };
}
