/** The ports the handler depends on; adapters implement them, tests pass in-memory fakes. */

import type { AlertMessage, AttributionRecord, HistoryEntry } from './domain';
import type { CauseEntry } from './domain/lineage/link';
import type { LineageSource, LinkFields, LinkSubject } from './domain/lineage/resolve';
import type { MinuteCount } from './domain/policy/quota';
import type { InstanceNow } from './domain/remediation/decide';
import type { StopRequest } from './domain/remediation/plan';

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

/** What a sent alert's marker says: its highest severity and the rules it listed. */
export interface SentAlertSummary {
  readonly severity: string;
  readonly rules: readonly string[];
  /** When it was marked sent (ISO 8601); null for markers written before the time was kept. */
  readonly sentAt: string | null;
}

/** Reads one alert's marker; null when no alert went out under that key. */
export interface SentAlertLookup {
  sentAlert(key: string): Promise<SentAlertSummary | null>;
}

/**
 * What a claim on an alert found: free (`claimed`), a pending claim whose lease had expired
 * (`reclaimed`: the earlier holder died, before or after publishing), a sent alert, or a claim
 * another invocation still holds.
 */
export type AlertClaim = 'claimed' | 'reclaimed' | 'already-sent' | 'in-flight';

/** Options of a claim. */
export interface ClaimOptions {
  readonly now: Date;
  /** How long the claim holds before a later delivery may take it over. */
  readonly leaseMs: number;
  /** When the marker may be deleted (epoch seconds); undefined keeps it as long as the table. */
  readonly expiresAt: number | undefined;
}

/**
 * Records which alerts have gone out, so duplicate deliveries and retries never alert twice.
 * A key is an event's key, or a key derived from it for an alert about another event.
 */
export interface AlertLedger {
  /** Takes the right to send the alert for `leaseMs`, unless it was sent or is being sent. */
  claim(key: string, options: ClaimOptions): Promise<AlertClaim>;
  markSent(
    key: string,
    now: Date,
    summary: { readonly severity: string; readonly rules: string },
  ): Promise<void>;
  /** Gives back a claim whose alert was not published, so the retry can send at once. */
  release(key: string): Promise<void>;
}

/** One launch's contribution to its subject's launch quota. */
export interface LaunchCount {
  /** Who the launch counts against (`quotaSubject`). */
  readonly subject: string;
  readonly atMs: number;
  /** The event, so that a redelivery never counts twice. */
  readonly eventKey: string;
  readonly instances: number;
  /** When the count may be deleted (epoch seconds). */
  readonly expiresAt: number;
}

/**
 * What the policy needs to know from the store. Reads are consistent: whatever was written
 * before the call is in the answer, which is what makes concurrent events see each other.
 */
export interface PolicyLookups {
  /** The stored rows of one instance (any order). */
  history(instanceId: string): Promise<readonly HistoryEntry[]>;
  /** Adds a launch to its subject's count for its UTC minute; idempotent per event. */
  countLaunch(launch: LaunchCount): Promise<void>;
  /** A subject's launches per UTC minute in [fromMs, toMs] (minutes without launches left out). */
  launchCounts(subject: string, fromMs: number, toMs: number): Promise<readonly MinuteCount[]>;
}

/** Account names for alerts. Best effort: null when unknown or unreadable, never an error. */
export interface AccountDirectory {
  nameOf(accountId: string): Promise<string | null>;
}

/** The table row an effect's link lives on. */
export interface RowKey {
  readonly instanceId: string;
  readonly eventTimeId: string;
}

/**
 * A service's call remembered under each resource it acted for, so that a cause arriving after
 * it (CloudTrail and EventBridge do not keep order) can find it and fill in its initiator.
 */
export interface EffectPointer extends LinkSubject {
  readonly row: RowKey;
  readonly eventKey: string;
  readonly timeMs: number;
  /** The resources the call itself changed (a service's step in a chain): their effects depend on its link. */
  readonly changes: readonly string[];
}

/** The link fields written on an effect's row once known. */
export type SavedLink = LinkFields;

/** Causes, effects and links in the table (README: "Who is behind the service"). */
export interface LineageStore extends LineageSource {
  putCauses(entries: readonly CauseEntry[], expiresAt: number | undefined): Promise<void>;
  putEffect(pointer: EffectPointer, keys: readonly string[], expiresAt: number | undefined): Promise<void>;
  /** The effects remembered under `key` with times in [fromMs, toMs]. */
  effectsOn(key: string, fromMs: number, toMs: number): Promise<readonly EffectPointer[]>;
  /** Writes a link unless the row holds one from a later cause; true when written. */
  saveLink(row: RowKey, link: SavedLink): Promise<boolean>;
}

/** Where the trail's log files are read from (S3 in AWS, the emulator in tests). */
export interface TrailLogSource {
  /** The bytes of one object, as a stream: a large log file is never held whole. */
  open(bucket: string, key: string): Promise<AsyncIterable<Uint8Array>>;
}

/** What EC2 answered for one StopInstances of several instances. */
export interface StopAnswer {
  readonly stopped: readonly string[];
  readonly failed: readonly { readonly instanceId: string; readonly code: string }[];
}

/**
 * The EC2 calls remediation makes, in the instances' account and region. Each is retried on
 * throttling; none throws: a failure comes back as the error's code.
 */
export interface InstanceActions {
  /** Writes `tags` on the instances; null when written, else the error code. */
  tag(
    where: { readonly account: string; readonly region: string },
    instanceIds: readonly string[],
    tags: readonly { readonly key: string; readonly value: string }[],
  ): Promise<string | null>;
  /** The instances as they are now; ids EC2 does not know are absent. Throws when EC2 cannot answer. */
  describe(
    where: { readonly account: string; readonly region: string },
    instanceIds: readonly string[],
  ): Promise<ReadonlyMap<string, InstanceNow>>;
  stop(
    where: { readonly account: string; readonly region: string },
    instanceIds: readonly string[],
  ): Promise<StopAnswer>;
}

/** One-time schedules that call the remediation function at a stop request's deadline. */
export interface StopScheduler {
  /**
   * Creates the schedule named `request.name`. When it exists already (a retry), it is left as
   * it is and its time is answered, so a retry never moves a deadline people were told.
   */
  schedule(request: StopRequest): Promise<{ readonly at: string; readonly created: boolean }>;
}
