/** The ports the handler depends on; adapters implement them, tests pass in-memory fakes. */

import type { AttributionRecord } from './domain';
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

/** One alert, rendered for every channel SNS delivers to. */
export interface AlertMessage {
  /** Email subject, under 100 characters. */
  readonly subject: string;
  /** Plain-text email body. */
  readonly email: string;
  /** SMS text, at most 160 characters. */
  readonly sms: string;
  /** The machine-readable body, for every other protocol (SQS, Lambda, HTTPS). */
  readonly json: string;
  /** Message attributes that subscription filter policies match on. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** Where alerts go. */
export interface AlertPublisher {
  publish(message: AlertMessage): Promise<void>;
}
