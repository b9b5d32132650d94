/**
 * What `ec2trail migrate` changes on one stored item: the index key attributes of an attribution
 * row written before index sharding, given their sharded values. Pure, so the rule is tested on
 * its own; the values come from the row's own record fields, never from the old key text, so a
 * name that happens to end in `#07` is not mistaken for a sharded one.
 */

import { isObject, prop } from '../../lambda/domain/json';
import {
  ALERT_PREFIX,
  ATTRIBUTION_TABLE,
  QUOTA_PREFIX,
  UNKNOWN_TIME,
} from '../../lambda/schema/attribution-table';
import { shardedKey, shardOf } from '../../lambda/schema/index-shards';
import { RESOURCE_PREFIX } from '../../lambda/schema/lineage-items';

export interface KeyChange {
  readonly key: Record<string, string>;
  /** Index attribute → [value now, value it should have]. */
  readonly changes: Readonly<Record<string, readonly [string, string]>>;
}

const BOOKKEEPING = [ALERT_PREFIX, QUOTA_PREFIX, RESOURCE_PREFIX];
const ISO_DAY = /^\d{4}-\d{2}-\d{2}T/;

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The change one item needs, or null: not an attribution row, or already in the sharded layout. */
export function indexKeyChange(item: Record<string, unknown>): KeyChange | null {
  const instanceId = text(item[ATTRIBUTION_TABLE.partitionKey]);
  const eventTimeId = text(item[ATTRIBUTION_TABLE.sortKey]);
  if (instanceId === null || eventTimeId === null || typeof item.eventName !== 'string') return null;
  // Bookkeeping items (alert markers, launch counts, causes and pointers) are in no index.
  if (BOOKKEEPING.some((prefix) => instanceId.startsWith(prefix))) return null;
  const shard = shardOf(instanceId, eventTimeId);
  const logical: Record<string, string | null> = {
    eventDay: ISO_DAY.test(eventTimeId) ? eventTimeId.slice(0, 10) : UNKNOWN_TIME,
    actorArn: text(prop(item.actor, 'arn')),
    actorName: text(prop(item.actor, 'name')),
    initiatorName: isObject(item.initiator) ? text(item.initiator.name) : null,
  };
  const changes: Record<string, readonly [string, string]> = {};
  for (const [attribute, value] of Object.entries(logical)) {
    const now = text(item[attribute]);
    // Only keys the row has: an absent one means the row is not in that (sparse) index.
    if (now === null || value === null) continue;
    const wanted = shardedKey(value, shard);
    if (now !== wanted) changes[attribute] = [now, wanted];
  }
  if (Object.keys(changes).length === 0) return null;
  return {
    key: { [ATTRIBUTION_TABLE.partitionKey]: instanceId, [ATTRIBUTION_TABLE.sortKey]: eventTimeId },
    changes,
  };
}
