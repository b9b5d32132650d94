/** The ports the handler depends on; adapters implement them, tests pass in-memory fakes. */

import type { AlertMessage, AttributionRecord, HistoryEntry } from './domain';

export type { AlertMessage } from './domain';

import type { WriteMeta } from './schema/attribution-table';

export interface WriteResult {
  /** Rows created by this call. */
  readonly written: number;
  /** Rows that already existed (an earlier delivery of the same event). */
  readonly duplicates: number;
}

/** Where attribution rows live. Writes are idempotent per (event, instance). */
export interface AttributionStore {
  putRecords(records: readonly AttributionRecord[], meta: WriteMeta): Promise<WriteResult>;
}

/** Where alerts go. */
export interface AlertPublisher {
  publish(message: AlertMessage): Promise<void>;
}

/** How far an alert for one event has got: the ledger that keeps alerts to one per event. */
export type AlertClaim = 'claimed' | 'already-sent' | 'in-flight';

/** Records which events have been alerted, so duplicate deliveries and retries never alert twice. */
export interface AlertLedger {
  /** Takes the right to send the event's alert for `leaseMs`, unless it was sent or is being sent. */
  claim(eventKey: string, now: Date, leaseMs: number): Promise<AlertClaim>;
  markSent(
    eventKey: string,
    now: Date,
    summary: { readonly severity: string; readonly rules: string },
  ): Promise<void>;
  /** Gives the claim back after a failed publish, so the retry can send at once. */
  release(eventKey: string): Promise<void>;
}

/** What the policy needs to know from the store. */
export interface PolicyLookups {
  /** The stored rows of one instance (any order). */
  history(instanceId: string): Promise<readonly HistoryEntry[]>;
  /** Instances launched successfully by a caller in [fromMs, toMs], not counting the event `excludeEventKey`. */
  countLaunches(
    actor: { readonly arn: string | null; readonly name: string | null },
    fromMs: number,
    toMs: number,
    excludeEventKey: string,
  ): Promise<number>;
}

/** Account names for alerts. Best effort: null when unknown or unreadable, never an error. */
export interface AccountDirectory {
  nameOf(accountId: string): Promise<string | null>;
}
