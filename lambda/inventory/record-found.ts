/**
 * Records the launches an inventory found outside the table (Event history, the trail's files)
 * as a backfill does: rows with `ingestedBy: backfill`, linked to the person behind a service's
 * launch when the table knows the cause, written only where no row is (a live row is never
 * overwritten), and no alert, no remediation. The CLI's `owners` uses the replay path to the same end.
 */

import type { DynamoDbBatchImporter } from '../adapters/dynamodb-batch-importer';
import { attribute } from '../domain';
import { Linker } from '../lineage/linker';
import type { LineageStore } from '../ports';
import { rowExpiry } from '../schema/attribution-table';

export interface RecordTally {
  written: number;
  duplicates: number;
  /** Records that could not be written, with the first reason. */
  failed: number;
  firstFailure: string | null;
}

export function recorderOf(deps: {
  readonly importer: DynamoDbBatchImporter;
  readonly lineage: LineageStore;
  readonly now: () => Date;
  readonly retentionDays?: number | undefined;
}): {
  readonly record: (events: readonly Record<string, unknown>[]) => Promise<void>;
  readonly tally: RecordTally;
} {
  const linker = new Linker(deps.lineage);
  const tally: RecordTally = { written: 0, duplicates: 0, failed: 0, firstFailure: null };
  const fail = (count: number, reason: string) => {
    tally.failed += count;
    tally.firstFailure ??= reason;
  };
  const record = async (events: readonly Record<string, unknown>[]) => {
    // One event at a time: its records have distinct keys, and a cause is stored before what it caused.
    for (const event of events) {
      const attributed = attribute(event);
      if (attributed.kind !== 'records' || attributed.records.length === 0) continue;
      const now = deps.now();
      const meta = { ingestedBy: 'backfill' as const, now, retentionDays: deps.retentionDays };
      try {
        const resolved = await linker.resolve(attributed.records);
        const outcome = await deps.importer.import(resolved, meta);
        tally.written += outcome.written;
        tally.duplicates += outcome.duplicates;
        for (const { reason } of outcome.failed) fail(1, reason);
        const first = resolved[0];
        if (outcome.failed.length === 0 && first)
          await linker.afterWrite(resolved, rowExpiry(first, { now, retentionDays: deps.retentionDays }));
      } catch (error) {
        fail(attributed.records.length, error instanceof Error ? error.message : String(error));
      }
    }
  };
  return { record, tally };
}
