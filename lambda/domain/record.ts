/** The attribution record: one per (CloudTrail event, instance). */

import type { Action } from './actions';
import type { Actor } from './identity';
import type { LaunchDetails } from './launch';
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
  readonly warnings: readonly string[];
}
