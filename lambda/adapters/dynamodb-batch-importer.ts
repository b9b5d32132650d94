import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AttributionRecord } from '../domain';
import {
  ATTRIBUTION_TABLE,
  keyOf,
  placesOf,
  type RowPlace,
  toItem,
  type WriteMeta,
} from '../schema/attribution-table';
import { backoffDelay } from './backoff';
import { batchGetAll } from './batch-get-all';
import type { RowWriteOptions } from './dynamodb-attribution-store';
import { putRowIfAbsent } from './put-row-if-absent';
import { type RowOutcome, transactRowsIfAbsent } from './transact-rows-if-absent';

/** Conditional puts in flight at once for one import. */
const PUT_CONCURRENCY = 25;

export interface ImportOutcome {
  readonly written: number;
  readonly duplicates: number;
  /** Records that could not be written after every retry, with why. */
  readonly failed: readonly { readonly record: AttributionRecord; readonly reason: string }[];
}

export interface BatchImporterOptions extends RowWriteOptions {
  /** Attempts for unprocessed items and throttling before a record counts as failed. @default 8 */
  readonly maxAttempts?: number;
  /** Backoff before retry `attempt` (1-based). @default 50 ms doubling, with jitter, capped at 5 s */
  readonly backoffMs?: (attempt: number) => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * When to read which rows exist before writing: before every import, or only while imports
   * keep finding stored rows. Either way a stored row is never overwritten. @default 'adaptive'
   */
  readonly existenceCheck?: 'always' | 'adaptive';
  /**
   * How rows are written: a conditional PutItem each (what AWS bills least), or conditional puts
   * grouped 100 to a transaction (billed twice in AWS; for a DynamoDB Local, where each request is
   * what costs). The same condition either way. @default 'puts'
   */
  readonly requests?: 'puts' | 'transactions';
}

function defaultBackoff(attempt: number): number {
  return backoffDelay(attempt, { baseMs: 50, capMs: 5_000, jitter: 'equal' });
}

function keyString(key: Record<string, unknown>): string {
  return `${String(key[ATTRIBUTION_TABLE.partitionKey])}\u0000${String(key[ATTRIBUTION_TABLE.sortKey])}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Share of an import's rows found already stored at or above which the next import reads first.
 * A tenth: a rerun over files already replayed reads instead of paying for refused writes.
 */
const CHECK_AGAIN_AT = 0.1;

/**
 * Bulk import for replay and backfill: each row is written with a condition (BatchWriteItem
 * takes none), one to a PutItem or 100 to a transaction (`requests`), so a row already stored
 * (the live function's, an earlier replay's) is never overwritten: replay only ever adds rows.
 * Throttled and failed writes are retried with backoff.
 *
 * Before writing, one BatchGetItem may find the rows that already exist, so a rerun does not
 * pay for refused writes (a refused conditional put is billed as a write; a read of the keys
 * costs a fraction). That read is a saving, not the guarantee, which is the condition; it is made
 * on an importer's first import and whenever the last import found a tenth or more of its rows
 * stored, and skipped while imports find new rows, where it would only add a request per batch.
 */
export class DynamoDbBatchImporter {
  private readonly maxAttempts: number;
  private readonly backoffMs: (attempt: number) => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly legacyKeys: boolean;
  private readonly existenceCheck: 'always' | 'adaptive';
  /** Whether the next import reads the stored keys first (see the class comment). */
  private checkNext = true;
  private readonly requests: 'puts' | 'transactions';

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: BatchImporterOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 8;
    this.backoffMs = options.backoffMs ?? defaultBackoff;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.legacyKeys = options.legacyKeys ?? false;
    this.existenceCheck = options.existenceCheck ?? 'adaptive';
    this.requests = options.requests ?? 'puts';
  }

  /**
   * Imports up to a few hundred records; each must have a distinct key. `places` says which row
   * leads its event (./attribution-table.ts); by default the first record of each event here.
   */
  async import(
    records: readonly AttributionRecord[],
    meta: WriteMeta,
    places: readonly RowPlace[] = placesOf(records),
  ): Promise<ImportOutcome> {
    const placeOf = new Map(records.map((record, i) => [record, places[i]]));
    const failed: { record: AttributionRecord; reason: string }[] = [];
    let existing = new Set<string>();
    const check = this.existenceCheck === 'always' || this.checkNext;
    try {
      if (check) existing = await this.existingKeys(records.map(keyOf));
    } catch (error) {
      return {
        written: 0,
        duplicates: 0,
        failed: records.map((record) => ({ record, reason: describe(error) })),
      };
    }
    let fresh = records.filter((record) => !existing.has(keyString(keyOf(record))));
    const found = records.length - fresh.length;
    let written = 0;
    let raced = 0;
    const count = (record: AttributionRecord, outcome: RowOutcome) => {
      if (outcome === 'written') written++;
      else if (outcome === 'exists') raced++;
      else failed.push({ record, reason: outcome.reason });
    };
    if (this.requests === 'transactions' && fresh.length > 1) {
      const outcomes = await transactRowsIfAbsent(
        this.client,
        this.tableName,
        fresh.map((record) => toItem(record, meta, placeOf.get(record), this.legacyKeys)),
        { maxAttempts: this.maxAttempts, backoffMs: this.backoffMs, sleep: this.sleep },
      );
      const left: AttributionRecord[] = [];
      fresh.forEach((record, i) => {
        const outcome = outcomes[i];
        if (outcome === undefined) left.push(record);
        else count(record, outcome);
      });
      fresh = left;
    }
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < fresh.length; i = next++) {
        const record = fresh[i];
        if (!record) continue;
        count(record, await this.putIfAbsent(record, meta, placeOf.get(record)));
      }
    };
    await Promise.all(Array.from({ length: Math.min(PUT_CONCURRENCY, fresh.length) }, worker));
    const duplicates = found + raced;
    if (records.length > 0) this.checkNext = duplicates / records.length >= CHECK_AGAIN_AT;
    return { written, duplicates, failed };
  }

  private async existingKeys(keys: readonly Record<string, string>[]): Promise<Set<string>> {
    const items = await batchGetAll(this.client, this.tableName, keys, {
      projection: '#pk, #sk',
      names: { '#pk': ATTRIBUTION_TABLE.partitionKey, '#sk': ATTRIBUTION_TABLE.sortKey },
      maxAttempts: this.maxAttempts,
      backoffMs: this.backoffMs,
      sleep: this.sleep,
    });
    return new Set(items.map(keyString));
  }

  /** Writes the row unless it exists; a row written meanwhile (by the live function) is left as it is. */
  private async putIfAbsent(
    record: AttributionRecord,
    meta: WriteMeta,
    place: RowPlace | undefined,
  ): Promise<RowOutcome> {
    let reason = '';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      try {
        const written = await putRowIfAbsent(
          this.client,
          this.tableName,
          record,
          meta,
          place,
          this.legacyKeys,
        );
        return written ? 'written' : 'exists';
      } catch (error) {
        reason = describe(error);
        if (!isRetryable(error)) break;
      }
      if (attempt < this.maxAttempts) await this.sleep(this.backoffMs(attempt));
    }
    return { reason };
  }
}

function isRetryable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (['ValidationException', 'ResourceNotFoundException', 'AccessDeniedException'].includes(error.name))
    return false;
  return true;
}
