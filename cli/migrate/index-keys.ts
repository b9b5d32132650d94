/**
 * What `ec2trail migrate` changes on one stored item: the keys of `byPerson` and `byDate` on an
 * attribution row written by an earlier version (every such row has an `eventDay`; rows written
 * since have none, and only an event's lead row has the new keys). Pure, so the rule is tested on
 * its own. The values come from the row's own fields by the rules the function writes with
 * (`personKeyOf`, `leadKeys`), never from the old key text.
 */

import {
  ALERT_PREFIX,
  ATTRIBUTION_TABLE,
  QUOTA_PREFIX,
  UNKNOWN_TIME,
} from '../../lambda/schema/attribution-table';
import { shardedKey, shardOf } from '../../lambda/schema/index-shards';
import { RESOURCE_PREFIX } from '../../lambda/schema/lineage-items';
import { personKeyOfItem } from '../../lambda/schema/record-row';

export interface KeyChange {
  readonly key: Record<string, string>;
  /** The new index attributes and their values. */
  readonly sets: Readonly<Record<string, string>>;
}

const BOOKKEEPING = [ALERT_PREFIX, QUOTA_PREFIX, RESOURCE_PREFIX];
const ISO_DAY = /^\d{4}-\d{2}-\d{2}T/;

/** The attributes the rule reads, for the scan's projection. */
export const READ_FOR_KEYS = [
  ATTRIBUTION_TABLE.partitionKey,
  ATTRIBUTION_TABLE.sortKey,
  'eventName',
  'eventKey',
  'eventDay',
  'date',
  'person',
  'actor',
  'via',
  'initiator',
  'lineage',
  'compact',
] as const;

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The change one item needs, or null: not a row of an earlier version, or moved already. */
export function indexKeyChange(stored: Record<string, unknown>): KeyChange | null {
  const instanceId = text(stored[ATTRIBUTION_TABLE.partitionKey]);
  const eventTimeId = text(stored[ATTRIBUTION_TABLE.sortKey]);
  if (instanceId === null || eventTimeId === null || typeof stored.eventName !== 'string') return null;
  // Bookkeeping items (alert markers, launch counts, causes and pointers) are in no index.
  if (BOOKKEEPING.some((prefix) => instanceId.startsWith(prefix))) return null;
  if (!('eventDay' in stored) || 'date' in stored) return null;
  const shard = shardOf(instanceId, eventTimeId);
  // A link the live function saved meanwhile set the person already, from a newer cause.
  const person = typeof stored.person === 'string' ? undefined : personKeyOfItem(stored);
  return {
    key: { [ATTRIBUTION_TABLE.partitionKey]: instanceId, [ATTRIBUTION_TABLE.sortKey]: eventTimeId },
    sets: {
      ...(person !== undefined ? { person } : {}),
      date: shardedKey(ISO_DAY.test(eventTimeId) ? eventTimeId.slice(0, 10) : UNKNOWN_TIME, shard),
    },
  };
}
