/** The attribution record: one per (CloudTrail event, instance). */

import type { Action } from './actions';
import type { Actor } from './identity';
import type { LaunchDetails } from './launch';
import type { Initiator } from './lineage/link';
import type { Via } from './lineage/via';
import type { Tool } from './user-agent';

export type Outcome = 'success' | 'failed';

export interface CallSource {
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly tool: Tool;
  readonly sdkLanguage: string | null;
}

export interface InstanceState {
  readonly previous: string | null;
  readonly current: string | null;
}

export interface AttributionRecord {
  /** `eventID` as found, or null (then `eventKey` is derived from the record's content). */
  readonly eventId: string | null;
  /** The event's identity for deduplication: `eventID`, or `derived-<fingerprint>` without one. */
  readonly eventKey: string;
  readonly eventTime: string | null;
  readonly eventName: string;
  readonly eventSource: string;
  readonly action: Action;
  readonly account: string | null;
  readonly region: string | null;
  readonly instanceId: string | null;
  /** The trail a trail action targeted (its name or ARN, as the request gave it); null otherwise. */
  readonly trail: string | null;
  readonly outcome: Outcome;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly requestId: string | null;
  readonly actor: Actor;
  readonly source: CallSource;
  /** Present for launches (`action: "launch"`), null otherwise. */
  readonly launch: LaunchDetails | null;
  readonly instanceState: InstanceState | null;
  /** The service that made the call and what it acted for; null for a direct call. */
  readonly via: Via | null;
  /** Whose call caused this one: the actor for a direct call, null when no cause is known. */
  readonly initiator: Initiator | null;
  /** Why `initiator` is what it is, in words; null for a direct call. */
  readonly initiatorReason: string | null;
  readonly lineage: Lineage;
  readonly warnings: readonly string[];
  /** Present on ec2trail's own rows (`action: "remediate"`): what it did about a launch, and why. */
  readonly remediation?: RemediationDetail;
}

/** What one remediation step did to one instance. */
export interface RemediationDetail {
  /** `tag` when the launch was judged, `stop` at the deadline. */
  readonly step: 'tag' | 'stop';
  readonly decision:
    | 'tagged'
    | 'would-tag'
    | 'left-alone'
    | 'stopped'
    | 'would-stop'
    | 'not-stopped'
    | 'failed';
  readonly mode: 'dry-run' | 'enforce';
  readonly rules: readonly string[];
  /** Why, in words: the broken rules, or what kept the instance running. */
  readonly reason: string;
  /** When the instance stops (or stopped, or would have); null for `tag` rules. */
  readonly deadline: string | null;
  /** The launch this is about. */
  readonly launchEventKey: string;
  /** Who launched it (the person behind the launch when known). */
  readonly launchedBy: string | null;
  /** The launcher's own opt-out at launch (`ec2trail:ack`, a protected tag), when there was one. */
  readonly launcherOptOut?: { readonly effect: 'acknowledged' | 'protected'; readonly tag: string };
}

/** What the linking rule needs from a record (README: "Who is behind the service"). */
export interface Lineage {
  /** Keys of the resources this call changed: it may be the cause of their launches. */
  readonly changes: readonly string[];
  /** Keys of the resources whose recorded changes may explain this call. */
  readonly actsFor: readonly string[];
  /** True when the call is a person's (or non-service principal's), not a service's own step. */
  readonly byPerson: boolean;
  /** True until the initiator of a service's call has been looked for. */
  readonly unresolved: boolean;
  /** The sort key of the first cause the initiator came from; fill-ins only replace older links. */
  readonly linkSort: string | null;
}
