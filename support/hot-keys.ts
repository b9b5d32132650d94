/**
 * Simulates the writes of a workload on the attribution table and its indexes, and finds the
 * partition key that takes the most write units in one second. DynamoDB caps one partition key
 * at 1,000 write units a second (its published per-partition limit); a burst past it throttles,
 * and a throttled index throttles the table's writes.
 *
 * The keys and items come from the code that writes them (the core's records, `toItem`, the
 * lineage keys), the sizes from the published sizing rules (./dynamodb-item-size.ts). What the
 * model leaves out: alert markers (one per alert, each on its own key) and launch counts (the
 * quota rule's per-launcher counter, one key per person, README "Scale").
 */

import { type AttributionRecord, attribute } from '../lambda/domain';
import { ATTRIBUTION_TABLE, placesOf, toItem } from '../lambda/schema/attribution-table';
import { unsharded } from '../lambda/schema/index-shards';
import { resourcePartition } from '../lambda/schema/lineage-items';
import { itemSize, writeUnits } from './dynamodb-item-size';

/** One event of a workload, and the second (from the workload's start) its rows are written in. */
export interface TimedEvent {
  readonly second: number;
  readonly event: unknown;
}

export interface HotKey {
  /** `table` or an index name. */
  readonly target: string;
  readonly key: string;
  readonly second: number;
  readonly writeUnits: number;
}

export interface Simulation {
  readonly events: number;
  readonly rows: number;
  /** The busiest partition key of each target. */
  readonly peaks: readonly HotKey[];
  /** The busiest of them all. */
  readonly worst: HotKey;
  readonly rowBytes: { readonly min: number; readonly max: number; readonly mean: number };
}

const META = { ingestedBy: 'live' as const, now: new Date('2026-03-02T00:00:00Z') };

/** Seconds → target → key → write units. */
type Load = Map<number, Map<string, Map<string, number>>>;

function addTo(load: Load, second: number, target: string, key: string, units: number): void {
  let targets = load.get(second);
  if (!targets) {
    targets = new Map();
    load.set(second, targets);
  }
  let keys = targets.get(target);
  if (!keys) {
    keys = new Map<string, number>();
    targets.set(target, keys);
  }
  keys.set(key, (keys.get(key) ?? 0) + units);
}

/**
 * The workload on today's layout (`sharded`) and, from the same rows, on the layout before index
 * sharding (`unsharded`: each index key without its shard), for comparison.
 */
export function simulate(workload: Iterable<TimedEvent>): { sharded: Simulation; unsharded: Simulation } {
  const sharded: Load = new Map();
  const flat: Load = new Map();
  const add = (second: number, target: string, key: string, units: number, indexKey = false) => {
    addTo(sharded, second, target, key, units);
    addTo(flat, second, target, indexKey ? unsharded(key) : key, units);
  };
  let events = 0;
  let rows = 0;
  let bytes = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const { second, event } of workload) {
    events++;
    const result = attribute(event);
    if (result.kind !== 'records') continue;
    const places = placesOf(result.records);
    for (const [i, record] of result.records.entries()) {
      const item = toItem(record, META, places[i]) as unknown as Record<string, unknown>;
      const size = itemSize(item);
      rows++;
      bytes += size;
      min = Math.min(min, size);
      max = Math.max(max, size);
      const units = writeUnits(size);
      add(second, 'table', String(item[ATTRIBUTION_TABLE.partitionKey]), units);
      // Projection INCLUDE: an entry is the table's and the index's keys and the fields it copies.
      for (const index of Object.values(ATTRIBUTION_TABLE.indexes)) {
        const value = item[index.partitionKey];
        if (typeof value !== 'string') continue;
        add(second, index.name, value, writeUnits(itemSize(indexEntryOf(item, index))), true);
      }
      for (const key of effectKeys(record)) add(second, 'table', resourcePartition(key), 1);
    }
  }
  const rowBytes = { min, max, mean: Math.round(bytes / rows) };
  return {
    sharded: { events, rows, rowBytes, ...peaksOf(sharded) },
    unsharded: { events, rows, rowBytes, ...peaksOf(flat) },
  };
}

/** The part of a row an index copies: the keys of the table and the index, and its included fields. */
export function indexEntryOf(
  item: Record<string, unknown>,
  index: { readonly partitionKey: string; readonly sortKey: string; readonly include: readonly string[] },
): Record<string, unknown> {
  const names = [
    ATTRIBUTION_TABLE.partitionKey,
    ATTRIBUTION_TABLE.sortKey,
    index.partitionKey,
    index.sortKey,
    ...index.include,
  ];
  return Object.fromEntries(names.filter((name) => name in item).map((name) => [name, item[name]]));
}

function peaksOf(load: Load): Pick<Simulation, 'peaks' | 'worst'> {
  const peaks = new Map<string, HotKey>();
  for (const [second, targets] of load)
    for (const [target, keys] of targets)
      for (const [key, units] of keys) {
        const peak = peaks.get(target);
        if (!peak || units > peak.writeUnits) peaks.set(target, { target, key, second, writeUnits: units });
      }
  const list = [...peaks.values()].sort((a, b) => b.writeUnits - a.writeUnits);
  const worst = list[0];
  if (!worst) throw new Error('the workload wrote nothing');
  return { peaks: list, worst };
}

/** The resources a service's call points back to (one small effect item each, under `res#`). */
function effectKeys(record: AttributionRecord): readonly string[] {
  if (record.via === null || record.lineage.byPerson || record.eventTime === null) return [];
  return record.lineage.actsFor;
}
