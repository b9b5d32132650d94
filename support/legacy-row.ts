/**
 * A row as versions before the lean ledger wrote it (row version 1, keys sharded since issue 16):
 * every field whole, and on every row the keys of the four legacy indexes. For the tests of a
 * table move and the bench's baseline; the rule is the one `toItem` had, kept here on purpose.
 */

import type { AttributionRecord } from '../lambda/domain';
import { fullItem, legacyKeysOf, SOLE_ROW, type WriteMeta } from '../lambda/schema/attribution-table';

export function legacyItem(record: AttributionRecord, meta: WriteMeta): Record<string, unknown> {
  const { person: _p, date: _d, instanceIds: _i, ...whole } = fullItem(record, meta, SOLE_ROW);
  return { ...whole, ...legacyKeysOf(record) };
}
