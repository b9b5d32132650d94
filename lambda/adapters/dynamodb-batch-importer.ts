import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AttributionRecord } from '../domain';
import {
  ATTRIBUTION_TABLE,
  keyOf,
  placesOf,
  type RowPlace,
  type WriteMeta,
} from '../schema/attribution-table';
import { backoffDelay } from './backoff';
import { batchGetAll } from './batch-get-all';
import type { RowWriteOptions } from './dynamodb-attribution-store';
import { putRowIfAbsent } from './put-row-if-absent';

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
 * Bulk import for replay and backfill: one BatchGetItem finds the rows that already exist, then
 * each missing row is written with a conditional PutItem (BatchWriteItem takes no conditions),
 * so a live delivery that lands in between is never overwritten: replay only ever adds rows.
 * Throttled and failed puts are retried with backoff.
 */
export class DynamoDbBatchImporter {
  private readonly maxAttempts: number;
  private readonly backoffMs: (attempt: number) => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly legacyKeys: boolean;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: BatchImporterOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 8;
    this.backoffMs = options.backoffMs ?? defaultBackoff;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.legacyKeys = options.legacyKeys ?? false;
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
    let existing: Set<string>;
    try {
      existing = await this.existingKeys(records.map(keyOf));
    } catch (error) {
      return {
        written: 0,
        duplicates: 0,
        failed: records.map((record) => ({ record, reason: describe(error) })),
      };
    }
    const fresh = records.filter((record) => !existing.has(keyString(keyOf(record))));
    let written = 0;
    let raced = 0;
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < fresh.length; i = next++) {
        const record = fresh[i];
        if (!record) continue;
        const outcome = await this.putIfAbsent(record, meta, placeOf.get(record));
        if (outcome === 'written') written++;
        else if (outcome === 'exists') raced++;
        else failed.push({ record, reason: outcome.reason });
      }
    };
    await Promise.all(Array.from({ length: Math.min(PUT_CONCURRENCY, fresh.length) }, worker));
    return { written, duplicates: records.length - fresh.length + raced, failed };
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
  ): Promise<'written' | 'exists' | { readonly reason: string }> {
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
