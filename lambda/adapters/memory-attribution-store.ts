import { type AttributionRecord, type HistoryEntry, historyEntryOf } from '../domain';
import { type MinuteCount, minuteOf } from '../domain/policy/quota';
import type { AttributionStore, LaunchCount, PolicyLookups, WriteResult } from '../ports';
import {
  type AttributionItem,
  keyOf,
  partitionKeyOf,
  placesOf,
  toItem,
  type WriteMeta,
} from '../schema/attribution-table';
import { restoreRow } from '../schema/row-codec';

/**
 * Attribution rows and launch counts in memory, with the DynamoDB store's rules (one row per
 * event and instance, one count per event): what `inspect --policy` judges history with, and
 * the store of handler tests.
 */
export interface MemoryStoreOptions {
  /** Keep whole rows (for tests that inspect them), or only their keys. @default true */
  readonly keepRows?: boolean;
  /** Keep each instance's history (only the protected-instances rule reads it). @default true */
  readonly keepHistory?: boolean;
}

export class MemoryAttributionStore implements AttributionStore, PolicyLookups {
  readonly rows = new Map<string, AttributionItem>();
  private readonly keys = new Set<string>();
  private readonly byInstance = new Map<string, HistoryEntry[]>();
  private readonly counted = new Set<string>();
  private readonly counts = new Map<string, Map<number, number>>();

  constructor(private readonly options: MemoryStoreOptions = {}) {}

  async putRecords(records: readonly AttributionRecord[], meta: WriteMeta): Promise<WriteResult> {
    let written = 0;
    let duplicates = 0;
    const places = placesOf(records);
    for (const [i, record] of records.entries()) {
      const key = JSON.stringify(keyOf(record));
      if (this.keys.has(key)) {
        duplicates++;
        continue;
      }
      this.keys.add(key);
      // The whole item only when rows are kept: building it is most of the cost of a write.
      if (this.options.keepRows !== false)
        this.rows.set(key, restoreRow(toItem(record, meta, places[i])) as unknown as AttributionItem);
      if (this.options.keepHistory !== false) {
        const partition = partitionKeyOf(record);
        const list = this.byInstance.get(partition) ?? [];
        list.push(historyEntryOf(record));
        this.byInstance.set(partition, list);
      }
      written++;
    }
    return { written, duplicates };
  }

  async history(instanceId: string): Promise<readonly HistoryEntry[]> {
    return [...(this.byInstance.get(instanceId) ?? [])];
  }

  async countLaunch(launch: LaunchCount): Promise<void> {
    const marker = `${launch.subject}\u0000${launch.eventKey}`;
    if (this.counted.has(marker)) return;
    this.counted.add(marker);
    const minutes = this.counts.get(launch.subject) ?? new Map<number, number>();
    const minute = minuteOf(launch.atMs);
    minutes.set(minute, (minutes.get(minute) ?? 0) + launch.instances);
    this.counts.set(launch.subject, minutes);
  }

  async launchCounts(subject: string, fromMs: number, toMs: number): Promise<readonly MinuteCount[]> {
    const from = minuteOf(fromMs);
    const to = minuteOf(toMs);
    return [...(this.counts.get(subject) ?? [])]
      .filter(([minuteMs]) => minuteMs >= from && minuteMs <= to)
      .map(([minuteMs, launches]) => ({ minuteMs, launches }));
  }
}
