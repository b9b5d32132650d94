/**
 * The attribution table's schema: key names, index names and the row layout, defined once for
 * the stack, the Lambda adapter, the CLI and DynamoDB Local alike.
 */

import type { AttributionRecord } from '../domain';
import { shardedKey, shardOf } from './index-shards';
import { compactRow } from './row-codec';

/**
 * What an index entry carries beyond the keys (projection INCLUDE): enough for `aws dynamodb
 * query` to say what happened, for about one write unit an entry. The CLI reads the rows
 * themselves by their keys.
 */
const ENTRY_FIELDS = ['eventName', 'action', 'outcome', 'instanceIds'] as const;

export const ATTRIBUTION_TABLE = {
  partitionKey: 'instanceId',
  sortKey: 'eventTimeId',
  ttlAttribute: 'expiresAt',
  indexes: {
    /**
     * A person's calls and what services did for them, newest first: the person's key is whole
     * (`alice@example.com`), a service's own calls are sharded (see `personKeyOf`).
     */
    byPerson: {
      name: 'byPerson',
      partitionKey: 'person',
      sortKey: 'eventTimeId',
      include: [...ENTRY_FIELDS, 'account', 'region', 'via'],
    },
    /** Everything on one UTC day (sharded: `2026-03-02#07`), sorted by account, region, then time. */
    byDate: {
      name: 'byDate',
      partitionKey: 'date',
      sortKey: 'accountRegionTime',
      include: [...ENTRY_FIELDS, 'person'],
    },
  },
} as const;

/**
 * The indexes of row versions 1 and 2 (projection ALL, keys sharded since version 2). A table
 * being moved keeps them until every row has the new keys (docs/table-move.md); rows written
 * since do not carry their keys, so they take no new entries.
 */
export const LEGACY_INDEXES = {
  byActorArn: { name: 'byActorArn', partitionKey: 'actorArn', sortKey: 'eventTimeId' },
  byActorName: { name: 'byActorName', partitionKey: 'actorName', sortKey: 'eventTimeId' },
  byDay: { name: 'byDay', partitionKey: 'eventDay', sortKey: 'accountRegionTime' },
  byInitiatorName: { name: 'byInitiatorName', partitionKey: 'initiatorName', sortKey: 'eventTimeId' },
} as const;

export type LegacyIndexName = keyof typeof LEGACY_INDEXES;

export type IndexName = keyof typeof ATTRIBUTION_TABLE.indexes;

/** The partition key of rows for calls that touched no instance (failed launches). */
export const NO_INSTANCE_PREFIX = 'no-instance#';
/** The partition key prefix of rows for trail actions: `trail#<trail name or ARN>`. */
export const TRAIL_PREFIX = 'trail#';
/** Sort-key time for events whose time could not be read; sorts after every real time. */
export const UNKNOWN_TIME = 'unknown-time';

export type IngestedBy = 'live' | 'trail' | 'replay' | 'backfill';

/** How long rows may be kept, in days: one rule for the deploy config, the function and replay. */
export const RETENTION_DAYS = { min: 1, max: 36_500 } as const;

/** Why `days` is not a valid retention, or null when it is. */
export function retentionProblem(days: number): string | null {
  if (!Number.isInteger(days)) return `${days} is not a whole number of days`;
  if (days < RETENTION_DAYS.min || days > RETENTION_DAYS.max)
    return `${days} is outside ${RETENTION_DAYS.min}–${RETENTION_DAYS.max} days (0 would expire every row at its event time)`;
  return null;
}

export interface WriteMeta {
  readonly ingestedBy: IngestedBy;
  /** When the row is written, for `recordedAt`. */
  readonly now: Date;
  /** Days to keep rows after their event time; undefined keeps them forever. */
  readonly retentionDays?: number | undefined;
}

/** A row before compaction (./row-codec.ts): the record, plus the key attributes and bookkeeping. */
export interface AttributionItem extends Omit<AttributionRecord, 'instanceId'> {
  readonly instanceId: string;
  readonly eventTimeId: string;
  /** On an event's lead row: the `byPerson` key. */
  readonly person?: string;
  /** On an event's lead row: the `byDate` key. */
  readonly date?: string;
  /** On an event's lead row: the `byDate` sort key. */
  readonly accountRegionTime?: string;
  /** On the lead row of an event of several rows: every row's partition key, the lead's first. */
  readonly instanceIds?: readonly string[];
  readonly ingestedBy: IngestedBy;
  readonly recordedAt: string;
  readonly expiresAt?: number;
  /** The link's cause, top level so a fill-in's condition can compare it. */
  readonly linkSort?: string;
}

/**
 * Where a record's row stands in its event. One row of each event, its lead, carries the index
 * keys, so an event of a thousand instances is one index entry (one write unit, not a thousand
 * on one key) and lists the other rows in `instanceIds`.
 */
export interface RowPlace {
  readonly lead: boolean;
  /** On the lead of an event of several rows: every row's partition key; null otherwise. */
  readonly instanceIds: readonly string[] | null;
}

/** The place of a record written alone, or of a row written before rows had places. */
export const SOLE_ROW: RowPlace = { lead: true, instanceIds: null };

/**
 * The places of records in the order given: the first record of each event (by event key) leads
 * it. The same records in the same order always get the same places.
 */
export function placesOf(records: readonly AttributionRecord[]): RowPlace[] {
  const byEvent = new Map<string, string[]>();
  for (const record of records) {
    const keys = byEvent.get(record.eventKey) ?? [];
    keys.push(partitionKeyOf(record));
    byEvent.set(record.eventKey, keys);
  }
  const led = new Set<string>();
  return records.map((record) => {
    if (led.has(record.eventKey)) return { lead: false, instanceIds: null };
    led.add(record.eventKey);
    const keys = byEvent.get(record.eventKey) ?? [];
    return { lead: true, instanceIds: keys.length > 1 ? keys : null };
  });
}

/**
 * The `byPerson` key of a record's row: whose call it was. A service's call for a known person is
 * keyed by that person, any other call by its caller, so one Query returns a person's calls and
 * what services did for them. Keys are whole, except a service principal's own
 * (`service:autoscaling.amazonaws.com#07`): a service's name is the one caller key that can be
 * hot across an organization. Undefined for a call with no name and no ARN.
 */
export function personKeyOf(
  record: Pick<AttributionRecord, 'via' | 'initiator' | 'lineage' | 'actor'>,
  shard: number,
): string | undefined {
  if (record.via !== null && !record.lineage.byPerson) {
    const person = record.initiator?.name ?? record.initiator?.arn;
    if (person) return person;
  }
  const caller = record.actor.name ?? record.actor.arn ?? record.via?.service;
  if (caller == null) return undefined;
  return isServiceName(caller) ? shardedKey(`${SERVICE_PREFIX}${caller}`, shard) : caller;
}

/** The prefix of a service's `byPerson` key (`service:autoscaling.amazonaws.com#07`). */
export const SERVICE_PREFIX = 'service:';

/** True for a name a service's own calls may be keyed under (a service principal, Karpenter). */
export function isServiceName(name: string): boolean {
  return /^[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(name) || name === 'karpenter.sh';
}

/** Milliseconds of the record's event time, or null when it was kept raw. */
export function eventEpochMs(record: Pick<AttributionRecord, 'eventTime'>): number | null {
  if (record.eventTime === null) return null;
  const ms = Date.parse(record.eventTime);
  return Number.isNaN(ms) ? null : ms;
}

/** `2026-03-02T09:15:04.000Z` (fixed width, so strings sort in time order), or `unknown-time`. */
export function sortableTime(epochMs: number | null): string {
  return epochMs === null ? UNKNOWN_TIME : new Date(epochMs).toISOString();
}

export function partitionKeyOf(record: Pick<AttributionRecord, 'instanceId' | 'eventKey' | 'trail'>): string {
  if (record.instanceId !== null) return record.instanceId;
  return record.trail !== null ? `${TRAIL_PREFIX}${record.trail}` : `${NO_INSTANCE_PREFIX}${record.eventKey}`;
}

export function sortKeyOf(record: Pick<AttributionRecord, 'eventTime' | 'eventKey'>): string {
  return `${sortableTime(eventEpochMs(record))}#${record.eventKey}`;
}

/** When a record's row expires (epoch seconds, DynamoDB TTL): its event time plus the retention. */
export function rowExpiry(
  record: Pick<AttributionRecord, 'eventTime'>,
  meta: Pick<WriteMeta, 'now' | 'retentionDays'>,
): number | undefined {
  if (meta.retentionDays === undefined) return undefined;
  const epochMs = eventEpochMs(record);
  return Math.floor((epochMs ?? meta.now.getTime()) / 1000) + Math.round(meta.retentionDays * 86_400);
}

/** A row as written: the compact form of an `AttributionItem` (./row-codec.ts). */
export type StoredItem = Readonly<Record<string, unknown>> & {
  readonly instanceId: string;
  readonly eventTimeId: string;
};

/**
 * The row a record is written as: its `AttributionItem`, compacted. While a table is being moved
 * (steps 1 and 2, docs/table-move.md) rows also carry the legacy indexes' keys, each row its own,
 * so that readers find them in every index the table has.
 */
export function toItem(
  record: AttributionRecord,
  meta: WriteMeta,
  place: RowPlace = SOLE_ROW,
  withLegacyKeys = false,
): StoredItem {
  const item = fullItem(record, meta, withLegacyKeys ? SOLE_ROW : place);
  const compact = compactRow(item);
  return {
    ...compact,
    ...(withLegacyKeys ? legacyKeysOf(record) : {}),
    instanceId: item.instanceId,
    eventTimeId: item.eventTimeId,
  };
}

/** The keys of the four legacy indexes, as earlier versions wrote them on every row (sharded). */
export function legacyKeysOf(record: AttributionRecord): Record<string, string> {
  const instanceId = partitionKeyOf(record);
  const eventTimeId = sortKeyOf(record);
  const shard = shardOf(instanceId, eventTimeId);
  const initiatorName =
    record.via === null || record.lineage.byPerson ? null : (record.initiator?.name ?? null);
  return {
    ...(record.actor.arn !== null ? { actorArn: shardedKey(record.actor.arn, shard) } : {}),
    ...(record.actor.name !== null ? { actorName: shardedKey(record.actor.name, shard) } : {}),
    eventDay: shardedKey(eventEpochMs(record) === null ? UNKNOWN_TIME : eventTimeId.slice(0, 10), shard),
    ...(initiatorName !== null ? { initiatorName: shardedKey(initiatorName, shard) } : {}),
  };
}

/** The index keys of an event's lead row (none on the others). */
export function leadKeys(
  record: AttributionRecord,
  place: RowPlace,
): Pick<AttributionItem, 'person' | 'date' | 'accountRegionTime' | 'instanceIds'> {
  if (!place.lead) return {};
  const instanceId = partitionKeyOf(record);
  const eventTimeId = sortKeyOf(record);
  const shard = shardOf(instanceId, eventTimeId);
  const person = personKeyOf(record, shard);
  return {
    ...(person !== undefined ? { person } : {}),
    date: shardedKey(eventEpochMs(record) === null ? UNKNOWN_TIME : eventTimeId.slice(0, 10), shard),
    accountRegionTime: `${record.account ?? 'unknown'}#${record.region ?? 'unknown'}#${eventTimeId}`,
    ...(place.instanceIds !== null ? { instanceIds: place.instanceIds } : {}),
  };
}

/** The row of a record with every field, as `restoreRow` gives it back. */
export function fullItem(
  record: AttributionRecord,
  meta: WriteMeta,
  place: RowPlace = SOLE_ROW,
): AttributionItem {
  const expiresAt = rowExpiry(record, meta);
  return {
    ...record,
    instanceId: partitionKeyOf(record),
    eventTimeId: sortKeyOf(record),
    ...leadKeys(record, place),
    ingestedBy: meta.ingestedBy,
    recordedAt: meta.now.toISOString(),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(record.lineage.linkSort !== null ? { linkSort: record.lineage.linkSort } : {}),
  };
}

/** The primary key of a record's row. */
export function keyOf(record: AttributionRecord): Record<string, string> {
  return {
    [ATTRIBUTION_TABLE.partitionKey]: partitionKeyOf(record),
    [ATTRIBUTION_TABLE.sortKey]: sortKeyOf(record),
  };
}

/** The partition key of the marker row that records an event's alert (sort key `alert`). */
export const ALERT_PREFIX = 'alert#';
export const ALERT_SORT_KEY = 'alert';
/**
 * The shortest life of an alert marker: longer than every path that can bring an event back
 * after its alert went out (the dead-letter queue keeps messages 14 days, then `drain` replays them).
 */
export const ALERT_MARKER_MIN_DAYS = 15;

/**
 * When an alert marker may expire (epoch seconds): with the event's rows, and never before
 * `ALERT_MARKER_MIN_DAYS` from now; undefined (kept) when rows are kept forever.
 */
export function alertMarkerExpiry(rowExpiresAt: number | undefined, now: Date): number | undefined {
  if (rowExpiresAt === undefined) return undefined;
  return Math.max(rowExpiresAt, Math.floor(now.getTime() / 1000) + ALERT_MARKER_MIN_DAYS * 86_400);
}

export function alertKey(eventKey: string): Record<string, string> {
  return {
    [ATTRIBUTION_TABLE.partitionKey]: `${ALERT_PREFIX}${eventKey}`,
    [ATTRIBUTION_TABLE.sortKey]: ALERT_SORT_KEY,
  };
}

/**
 * The key of the latest inventory snapshot (`owners` and the scheduled inventory write it; the
 * digest and the report read it): one item, overwritten by each inventory.
 */
export const INVENTORY_SNAPSHOT_KEY = {
  [ATTRIBUTION_TABLE.partitionKey]: 'inventory#latest',
  [ATTRIBUTION_TABLE.sortKey]: 'snapshot',
} as const;

/** The partition key of a subject's launch counts (`quota#<subject>`). */
export const QUOTA_PREFIX = 'quota#';

/** The key of a subject's launch count for one UTC minute. */
export function quotaMinuteKey(subject: string, minuteMs: number): Record<string, string> {
  return {
    [ATTRIBUTION_TABLE.partitionKey]: `${QUOTA_PREFIX}${subject}`,
    [ATTRIBUTION_TABLE.sortKey]: `m#${new Date(minuteMs).toISOString()}`,
  };
}

/** The key of the marker that says an event was counted (so a redelivery is not counted again). */
export function quotaEventKey(subject: string, eventKey: string): Record<string, string> {
  return {
    [ATTRIBUTION_TABLE.partitionKey]: `${QUOTA_PREFIX}${subject}`,
    [ATTRIBUTION_TABLE.sortKey]: `e#${eventKey}`,
  };
}

/** The minute of a count's sort key (`m#<ISO time>`), or null. */
export function minuteOfQuotaKey(sortKey: unknown): number | null {
  if (typeof sortKey !== 'string' || !sortKey.startsWith('m#')) return null;
  const ms = Date.parse(sortKey.slice(2));
  return Number.isNaN(ms) ? null : ms;
}

/**
 * The item `ec2trail migrate` writes when every row of a table has the keys of `byPerson` and
 * `byDate`: from then on readers leave the legacy indexes alone, whether or not they still exist.
 */
export const LAYOUT_MOVED_KEY = {
  [ATTRIBUTION_TABLE.partitionKey]: 'ledger#layout',
  [ATTRIBUTION_TABLE.sortKey]: 'moved',
} as const;
