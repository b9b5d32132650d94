import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AttributionRecord, attribute } from '../../lambda/domain';

export const FIXTURES = join(__dirname, '..', 'fixtures');

export function loadJson(relative: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, relative), 'utf8'));
}

/** The records of one fixture event; fails the test when the core skips it. */
export function recordsOf(relative: string): readonly AttributionRecord[] {
  const result = attribute(loadJson(relative));
  if (result.kind !== 'records')
    throw new Error(`${relative} was skipped: ${result.reason} (${result.detail})`);
  return result.records;
}
