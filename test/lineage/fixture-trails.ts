/** The service fixtures: their files, and records read from them in a given file order. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AttributionRecord, attribute, entriesOf } from '../../lambda/domain';
import { MemoryLineage, resolveRecord } from '../../lambda/domain/lineage/resolve';

export const SERVICES_DIR = join(__dirname, '..', 'fixtures', 'services');

export function scenarioFiles(scenario: string): string[] {
  const dir = join(SERVICES_DIR, scenario);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}

export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/** The CloudTrail records of the files, in the order given. */
export function eventsOf(files: readonly string[]): unknown[] {
  const events: unknown[] = [];
  for (const file of files) {
    for (const entry of entriesOf(JSON.parse(readFileSync(file, 'utf8'))))
      if (entry.kind === 'record') events.push(entry.record);
  }
  return events;
}

/** What `inspect` does: every record of every file, then the service calls linked across all. */
export async function resolveInMemory(files: readonly string[]): Promise<AttributionRecord[]> {
  const lineage = new MemoryLineage();
  const records: AttributionRecord[] = [];
  for (const event of eventsOf(files)) {
    const result = attribute(event);
    if (result.kind !== 'records') throw new Error(`fixture event skipped: ${result.detail}`);
    for (const record of result.records) {
      lineage.add(record);
      records.push(record);
    }
  }
  return Promise.all(records.map((r) => resolveRecord(r, lineage)));
}

/** A stable order for comparing runs: by event, then instance. */
export function byEvent<T extends { eventKey: string; instanceId: string | null }>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) =>
    `${a.eventKey}|${a.instanceId}`.localeCompare(`${b.eventKey}|${b.instanceId}`),
  );
}
