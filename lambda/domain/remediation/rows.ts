/**
 * ec2trail's own rows: one per instance and remediation step, under the instance, so `who` shows
 * what ec2trail did next to what people did. Keys are derived from the launch, so writing the same
 * step twice (a retry, a redelivery) stores one row.
 */

import { REMEDIATE } from '../actions';
import { type Actor, actorWith } from '../identity';
import type { AttributionRecord, RemediationDetail } from '../record';

/** ec2trail as the actor of its own rows. */
export const EC2TRAIL_ACTOR: Actor = actorWith({
  type: 'AWSService',
  kind: 'service',
  name: 'ec2trail',
  invokedBy: 'ec2trail',
});

/** The CloudTrail-like names of the steps, shown in the ACTION column's detail and in `eventName`. */
export const STEP_EVENT_NAMES = { tag: 'RemediationTag', stop: 'RemediationStop' } as const;

export interface RemediationRowInput {
  readonly instanceId: string;
  readonly account: string | null;
  readonly region: string | null;
  /**
   * The row's time: the launch's for the tag step (it happened while judging the launch), the
   * deadline for the stop step. Both are fixed by the launch, which keeps the row's key stable.
   */
  readonly time: string | null;
  readonly detail: RemediationDetail;
  /** The error of a failed step. */
  readonly errorCode?: string | null;
}

export function remediationRecord(input: RemediationRowInput): AttributionRecord {
  const { detail } = input;
  return {
    eventId: null,
    eventKey: `remediate-${detail.step}#${detail.launchEventKey}`,
    eventTime: input.time,
    eventName: STEP_EVENT_NAMES[detail.step],
    eventSource: 'ec2trail',
    action: REMEDIATE,
    account: input.account,
    region: input.region,
    instanceId: input.instanceId,
    trail: null,
    outcome: detail.decision === 'failed' ? 'failed' : 'success',
    errorCode: input.errorCode ?? null,
    errorMessage: null,
    requestId: null,
    actor: EC2TRAIL_ACTOR,
    source: { ip: null, userAgent: null, tool: 'unknown', sdkLanguage: null },
    launch: null,
    instanceState: null,
    via: null,
    initiator: null,
    initiatorReason: null,
    lineage: { changes: [], actsFor: [], byPerson: true, unresolved: false, linkSort: null },
    warnings: [],
    remediation: detail,
  };
}
