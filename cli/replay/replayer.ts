/** Replays CloudTrail history through the same core and store as the Lambda, in bulk and idempotently. */

import type { DynamoDbBatchImporter } from '../../lambda/adapters/dynamodb-batch-importer';
import type { AttributionRecord } from '../../lambda/domain';
import { fingerprint } from '../../lambda/domain/fingerprint';
import { Linker } from '../../lambda/lineage/linker';
import type { LineageStore } from '../../lambda/ports';
import type { IngestedBy, RowPlace } from '../../lambda/schema/attribution-table';
import { keyOf, placesOf, rowExpiry, SOLE_ROW } from '../../lambda/schema/attribution-table';
import { attributeInputs, emptyTally, type Tally } from '../attribution-stream';
import { count, number } from '../counts';
import type { InputFile } from '../inputs';

/** What was read (as `inspect` counts it), and what became of it in the table. */
export interface ReplayTally extends Tally {
  written: number;
  duplicates: number;
  /** Records that could not be written. */
  unwritten: number;
  alerts: number;
}

export function emptyReplayTally(): ReplayTally {
  return { ...emptyTally(), written: 0, duplicates: 0, unwritten: 0, alerts: 0 };
}

/** One event's records, handed to the per-event path (alerts on) instead of the bulk importer. */
export type EventSink = (event: {
  readonly record: Record<string, unknown>;
  readonly account: string | null;
  readonly region: string | null;
}) => Promise<{
  readonly written: number;
  readonly duplicates: number;
  readonly alerted: boolean;
}>;

export interface ReplayOptions {
  readonly importer: DynamoDbBatchImporter;
  readonly ingestedBy: IngestedBy;
  readonly now: () => Date;
  readonly retentionDays?: number;
  /** When set, each event goes through it one by one (used when alerts are on). */
  readonly perEvent?: EventSink;
  /** Records per bulk import. @default 100 */
  readonly batchSize?: number;
  /** Bulk imports in flight at once. @default 4 */
  readonly concurrency?: number;
  readonly onInputError?: (origin: string, message: string) => void;
  readonly onProgress?: (tally: Readonly<ReplayTally>) => void;
  /** When aborted, no further event is taken: the batch in flight is written, then `run` returns. */
  readonly signal?: AbortSignal;
  /** Where service calls are linked to their causes. Without it they are written unlinked. */
  readonly lineage?: LineageStore;
  /** Each event's records as they are written (linked to their causes when the cause was read). */
  readonly onRecords?: (records: readonly AttributionRecord[]) => void;
}

export interface Unwritten {
  readonly origin: string;
  readonly count: number;
  readonly reason: string;
}

interface Pending {
  readonly record: AttributionRecord;
  readonly origin: string;
  /** Its place in its event, from all the event's records (a batch may hold part of an event). */
  readonly place: RowPlace;
}

/** Linked events written and linked at once. */
const LINKED_CONCURRENCY = 16;

/** Keys remembered per generation; two generations are kept (far more than can ever be in flight). */
const SEEN_WINDOW = 50_000;

export class Replayer {
  readonly tally = emptyReplayTally();
  /** Where unwritten records came from, so the user knows exactly what a second run must complete. */
  readonly unwritten = new Map<string, Unwritten>();
  private buffer: Pending[] = [];
  /**
   * Keys seen recently, so an event repeated in overlapping files is counted once even while its
   * first copy is still in flight. Older repeats are found by the importer's read of existing
   * rows; bounding the window keeps memory flat on millions of events.
   */
  private seen = new Set<string>();
  private seenBefore = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  /**
   * Linked events in flight, beside the bulk batches (they share no row with them). The linker
   * is safe under concurrency, as the live function needs it to be: each side writes before it
   * reads, so of a cause and its effect, whichever is stored second finds the other.
   */
  private readonly linkedInFlight = new Set<Promise<void>>();

  private readonly linker: Linker | null;

  constructor(private readonly options: ReplayOptions) {
    this.linker = options.lineage ? new Linker(options.lineage) : null;
  }

  async run(files: AsyncIterable<InputFile>): Promise<void> {
    for await (const item of attributeInputs(files, this.tally)) {
      if (this.options.signal?.aborted) break;
      if (item.kind === 'error') {
        this.options.onInputError?.(item.origin, item.message);
        continue;
      }
      await this.take(
        item.records,
        item.event,
        item.context.account ?? null,
        item.context.region ?? null,
        item.origin,
      );
    }
    await this.flush();
    await Promise.all([...this.inFlight, ...this.linkedInFlight]);
    this.options.onProgress?.(this.tally);
  }

  private async take(
    records: readonly AttributionRecord[],
    event: Record<string, unknown>,
    account: string | null,
    region: string | null,
    origin: string,
  ): Promise<void> {
    if (this.options.perEvent) {
      this.options.onRecords?.(records);
      try {
        const outcome = await this.options.perEvent({ record: event, account, region });
        this.tally.written += outcome.written;
        this.tally.duplicates += outcome.duplicates;
        if (outcome.alerted) this.tally.alerts++;
      } catch (error) {
        this.fail(origin, records.length, error instanceof Error ? error.message : String(error));
      }
      this.options.onProgress?.(this.tally);
      return;
    }
    const first = records[0];
    if (
      this.linker &&
      first &&
      (first.lineage.changes.length > 0 || records.some((r) => r.lineage.unresolved))
    ) {
      while (this.linkedInFlight.size >= LINKED_CONCURRENCY) await Promise.race(this.linkedInFlight);
      const work = this.takeLinked(this.linker, records, origin).finally(() =>
        this.linkedInFlight.delete(work),
      );
      this.linkedInFlight.add(work);
      return;
    }
    this.options.onRecords?.(records);
    const places = placesOf(records);
    for (const [i, r] of records.entries()) {
      // The same event in two files (trails overlap) is written once and counted as a duplicate.
      const key = keyOf(r);
      const id = fingerprint(`${key.instanceId}\u0000${key.eventTimeId}`);
      if (this.seen.has(id) || this.seenBefore.has(id)) {
        this.tally.duplicates++;
        continue;
      }
      this.seen.add(id);
      if (this.seen.size >= SEEN_WINDOW) {
        this.seenBefore = this.seen;
        this.seen = new Set();
      }
      this.buffer.push({ record: r, origin, place: places[i] ?? SOLE_ROW });
    }
    if (this.buffer.length >= (this.options.batchSize ?? 100)) await this.flush();
  }

  /**
   * A cause or a service's call is written on its own, then linked: its cause may be in a file
   * read later, and a later cause must find it stored (README: "Who is behind the service").
   * Never rejects: a failure is counted against its input.
   */
  private async takeLinked(
    linker: Linker,
    records: readonly AttributionRecord[],
    origin: string,
  ): Promise<void> {
    const { importer, ingestedBy, now, retentionDays } = this.options;
    try {
      const resolved = await linker.resolve(records);
      this.options.onRecords?.(resolved);
      const outcome = await importer.import(resolved, { ingestedBy, now: now(), retentionDays });
      this.tally.written += outcome.written;
      this.tally.duplicates += outcome.duplicates;
      for (const { reason } of outcome.failed) this.fail(origin, 1, reason);
      const first = resolved[0];
      if (outcome.failed.length === 0 && first)
        await linker.afterWrite(resolved, rowExpiry(first, { now: now(), retentionDays }));
    } catch (error) {
      this.fail(origin, records.length, error instanceof Error ? error.message : String(error));
    }
    this.options.onProgress?.(this.tally);
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    while (this.inFlight.size >= (this.options.concurrency ?? 4)) await Promise.race(this.inFlight);
    const work = this.importBatch(batch).finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  private async importBatch(batch: readonly Pending[]): Promise<void> {
    const { importer, ingestedBy, now, retentionDays } = this.options;
    const origins = new Map(batch.map((p) => [p.record, p.origin]));
    let outcome: Awaited<ReturnType<DynamoDbBatchImporter['import']>>;
    try {
      outcome = await importer.import(
        batch.map((p) => p.record),
        { ingestedBy, now: now(), retentionDays },
        batch.map((p) => p.place),
      );
    } catch (error) {
      outcome = {
        written: 0,
        duplicates: 0,
        failed: batch.map((p) => ({
          record: p.record,
          reason: error instanceof Error ? error.message : String(error),
        })),
      };
    }
    this.tally.written += outcome.written;
    this.tally.duplicates += outcome.duplicates;
    for (const { record, reason } of outcome.failed)
      this.fail(origins.get(record) ?? '(unknown input)', 1, reason);
    this.options.onProgress?.(this.tally);
  }

  private fail(origin: string, count: number, reason: string): void {
    this.tally.unwritten += count;
    const previous = this.unwritten.get(origin);
    this.unwritten.set(origin, {
      origin,
      count: (previous?.count ?? 0) + count,
      reason: previous?.reason ?? reason,
    });
  }
}

export function describeReplay(t: ReplayTally): string {
  const parts = [
    count(t.files, 'file'),
    `${count(t.events, 'event')} (${number(t.lifecycleEvents)} attributed)`,
    `${count(t.written, 'record')} written`,
    count(t.duplicates, 'duplicate'),
    `${number(t.skipped)} skipped`,
    `${number(t.unrecognized)} unrecognized`,
    count(t.errors, 'error'),
  ];
  if (t.unwritten > 0) parts.push(`${number(t.unwritten)} NOT written`);
  if (t.invalidUtf8 > 0)
    parts.push(
      `${count(t.invalidUtf8, 'event')} with invalid UTF-8 (recorded with U+FFFD for the bad bytes, each warned)`,
    );
  if (t.alerts > 0) parts.push(count(t.alerts, 'alert'));
  return parts.join(', ');
}
