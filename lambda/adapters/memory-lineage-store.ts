import type { CauseEntry } from '../domain/lineage/link';
import { CauseIndex } from '../domain/lineage/link';
import type { LaunchLineage } from '../domain/lineage/resolve';
import type { EffectPointer, LineageStore, RowKey, SavedLink } from '../ports';

/**
 * Causes, effects and links in memory, with the DynamoDB store's semantics (a link from a
 * later cause is never replaced): for the handler without a table, and for tests.
 */
export class MemoryLineageStore implements LineageStore {
  private readonly causes = new CauseIndex();
  private readonly effects = new Map<string, Map<string, EffectPointer>>();
  private readonly launches = new Map<string, LaunchLineage>();
  /** The links written, by row (`instanceId|eventTimeId`). */
  readonly links = new Map<string, SavedLink>();

  async putCauses(entries: readonly CauseEntry[]): Promise<void> {
    for (const entry of entries) this.causes.add(entry);
  }

  latest(keys: readonly string[], atMs: number): Promise<CauseEntry | null> {
    return this.causes.latest(keys, atMs);
  }

  async launchOf(instanceId: string): Promise<LaunchLineage | null> {
    return this.launches.get(instanceId) ?? null;
  }

  async putEffect(pointer: EffectPointer, keys: readonly string[]): Promise<void> {
    if (pointer.action === 'launch' && pointer.instanceId !== null)
      this.launches.set(pointer.instanceId, { via: pointer.via, actsFor: pointer.lineage.actsFor });
    for (const key of keys) {
      const list = this.effects.get(key) ?? new Map<string, EffectPointer>();
      list.set(`${pointer.eventKey}#${pointer.row.instanceId}`, pointer);
      this.effects.set(key, list);
    }
  }

  async effectsOn(key: string, fromMs: number, toMs: number): Promise<readonly EffectPointer[]> {
    return [...(this.effects.get(key)?.values() ?? [])].filter((p) => p.timeMs >= fromMs && p.timeMs <= toMs);
  }

  async saveLink(row: RowKey, link: SavedLink): Promise<boolean> {
    const id = `${row.instanceId}|${row.eventTimeId}`;
    const current = this.links.get(id)?.linkSort ?? null;
    if (current !== null && (link.linkSort === null || link.linkSort < current)) return false;
    this.links.set(id, link);
    return true;
  }
}
