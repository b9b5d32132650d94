/**
 * Links service calls to the people behind them, through the table: at write time when the cause
 * is known, and afterwards when a cause arrives late (README: "Who is behind the service").
 *
 * Both sides write before they read, with consistent reads: an effect stores its pointers and
 * then looks for causes again; a cause stores itself and then looks for effects. Whichever
 * comes second sees the other, and links are written only over links from earlier causes, so
 * deliveries in any order and concurrency end in the same rows.
 */

import type { AttributionRecord } from '../domain';
import { causeEntriesOf, linkOf, resolveRecord } from '../domain/lineage/resolve';
import { resourceKey } from '../domain/lineage/resources';
import { MAX_CAUSE_WINDOW_MS } from '../domain/lineage/service-calls';
import type { EffectPointer, LineageStore } from '../ports';
import { keyOf } from '../schema/attribution-table';

function epochMs(time: string | null): number | null {
  if (time === null) return null;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? null : ms;
}

function pointerOf(record: AttributionRecord, timeMs: number): EffectPointer {
  const key = keyOf(record);
  return {
    row: { instanceId: key.instanceId ?? '', eventTimeId: key.eventTimeId ?? '' },
    eventKey: record.eventKey,
    timeMs,
    action: record.action,
    eventName: record.eventName,
    eventTime: record.eventTime,
    instanceId: record.instanceId,
    via: record.via,
    lineage: { actsFor: record.lineage.actsFor },
    changes: record.lineage.changes,
  };
}

/** How many service steps a late cause is followed down (a node group, its group, its fleet). */
const MAX_DEPTH = 3;

export class Linker {
  constructor(private readonly store: LineageStore) {}

  /** The records with their initiators, as far as the table knows them now. */
  resolve(records: readonly AttributionRecord[]): Promise<AttributionRecord[]> {
    return Promise.all(records.map((record) => resolveRecord(record, this.store)));
  }

  /** After the event's rows are stored: remember its causes and effects, and fill in late links. Returns the links written. */
  async afterWrite(records: readonly AttributionRecord[], expiresAt: number | undefined): Promise<number> {
    const first = records[0];
    if (!first) return 0;
    let written = 0;
    // The records of one event share its changes: one set of causes per event.
    const causes = causeEntriesOf(first);
    if (causes.length > 0) await this.store.putCauses(causes, expiresAt);

    for (const record of records) {
      const timeMs = epochMs(record.eventTime);
      if (record.via === null || record.lineage.byPerson || timeMs === null) continue;
      const pointer = pointerOf(record, timeMs);
      const keys = [...record.lineage.actsFor];
      if (keys.length > 0) await this.store.putEffect(pointer, keys, expiresAt);
      const again = await linkOf(pointer, this.store);
      const changed =
        again.linkSort !== record.lineage.linkSort || again.initiator?.eventId !== record.initiator?.eventId;
      if (changed && (await this.store.saveLink(pointer.row, again))) written++;
    }

    for (const cause of causes) written += await this.fillIn(cause.key, cause.timeMs, first.eventKey, 0);

    // A service's launch arriving after the instance's stop or terminate: those now find its group.
    for (const record of records) {
      const timeMs = epochMs(record.eventTime);
      if (record.action !== 'launch' || record.via === null || record.instanceId === null || timeMs === null)
        continue;
      const key = resourceKey({ type: 'instance', id: record.instanceId }, record);
      for (const pointer of await this.store.effectsOn(key, timeMs, Number.MAX_SAFE_INTEGER)) {
        if (await this.store.saveLink(pointer.row, await linkOf(pointer, this.store))) written++;
      }
    }
    return written;
  }

  /**
   * Links again every effect remembered under `key` within the longest window after `fromMs`;
   * an effect that is itself a service's change passes the news on to its own effects.
   */
  private async fillIn(key: string, fromMs: number, skipEvent: string, depth: number): Promise<number> {
    let written = 0;
    for (const pointer of await this.store.effectsOn(key, fromMs, fromMs + MAX_CAUSE_WINDOW_MS)) {
      if (pointer.eventKey === skipEvent) continue;
      if (await this.store.saveLink(pointer.row, await linkOf(pointer, this.store))) written++;
      if (depth + 1 < MAX_DEPTH)
        for (const changed of pointer.changes)
          written += await this.fillIn(changed, pointer.timeMs, pointer.eventKey, depth + 1);
    }
    return written;
  }
}
