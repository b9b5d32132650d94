import { MemoryAttributionStore } from '../../lambda/adapters/memory-attribution-store';
import type { AttributionRecord } from '../../lambda/domain';
import type { WriteResult } from '../../lambda/ports';
import type { WriteMeta } from '../../lambda/schema/attribution-table';

/** The in-memory store, with a switch that makes writes fail like an unreachable table. */
export class FailableMemoryStore extends MemoryAttributionStore {
  failWith: Error | null = null;

  override async putRecords(records: readonly AttributionRecord[], meta: WriteMeta): Promise<WriteResult> {
    if (this.failWith) throw this.failWith;
    return super.putRecords(records, meta);
  }
}
