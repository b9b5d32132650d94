import type { AttributionRecord, HistoryEntry } from '../../lambda/domain';
import type { AttributionStore, PolicyLookups, WriteResult } from '../../lambda/ports';
import { type AttributionItem, keyOf, toItem, type WriteMeta } from '../../lambda/schema/attribution-table';

/** Attribution rows in memory, with DynamoDB's one-row-per-(event, instance) rule: the store fake for handler tests. */
export class MemoryAttributionStore implements AttributionStore, PolicyLookups {
  readonly rows = new Map<string, AttributionItem>();
  private readonly byInstance = new Map<string, AttributionItem[]>();
  /** Set to make writes fail, like an unreachable table. */
  failWith: Error | null = null;

  async putRecords(records: readonly AttributionRecord[], meta: WriteMeta): Promise<WriteResult> {
    if (this.failWith) throw this.failWith;
    let written = 0;
    let duplicates = 0;
    for (const record of records) {
      const key = JSON.stringify(keyOf(record));
      if (this.rows.has(key)) {
        duplicates++;
        continue;
      }
      const item = toItem(record, meta);
      this.rows.set(key, item);
      const list = this.byInstance.get(item.instanceId) ?? [];
      list.push(item);
      this.byInstance.set(item.instanceId, list);
      written++;
    }
    return { written, duplicates };
  }

  async history(instanceId: string): Promise<readonly HistoryEntry[]> {
    return (this.byInstance.get(instanceId) ?? []).map((row) => ({
      action: row.action,
      outcome: row.outcome,
      eventTime: row.eventTime,
      actorName: row.actor.name,
      tags: row.launch?.tags ?? null,
    }));
  }

  async countLaunches(
    actor: { readonly arn: string | null; readonly name: string | null },
    fromMs: number,
    toMs: number,
    excludeEventKey: string,
  ): Promise<number> {
    let count = 0;
    for (const row of this.rows.values()) {
      if (row.action !== 'launch' || row.outcome !== 'success' || row.eventKey === excludeEventKey) continue;
      if (actor.arn ? row.actor.arn !== actor.arn : row.actor.name !== actor.name) continue;
      const at = row.eventTime ? Date.parse(row.eventTime) : Number.NaN;
      if (at >= fromMs && at <= toMs) count++;
    }
    return count;
  }
}
