/**
 * The attribution table's schema: key names, index names and the row layout, defined once for
 * the stack, the Lambda adapter, the CLI and DynamoDB Local alike.
 */

import type { AttributionRecord } from '../domain';
import { shardedKey, shardOf } from './index-shards';
import { compactRow } from './row-codec';

export const ATTRIBUTION_TABLE = {
  partitionKey: 'instanceId',
  sortKey: 'eventTimeId',
  ttlAttribute: 'expiresAt',
  indexes: {
    // The partition key values of every index are sharded (`<key>#<shard>`): see index-shards.ts.
    /** What one caller did, by ARN, in time order. */
    byActorArn: { name: 'byActorArn', partitionKey: 'actorArn', sortKey: 'eventTimeId' },
    /** What one caller did, by person name (e.g. the SSO user), in time order. */
    byActorName: { name: 'byActorName', partitionKey: 'actorName', sortKey: 'eventTimeId' },
    /** Everything on one UTC day, sorted by account, region, then time. */
    byDay: { name: 'byDay', partitionKey: 'eventDay', sortKey: 'accountRegionTime' },
    /** What services did for one person (sparse: only rows of service calls with a known initiator). */
    byInitiatorName: { name: 'byInitiatorName', partitionKey: 'initiatorName', sortKey: 'eventTimeId' },
  },
} as const;

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
  readonly actorArn?: string;
  readonly actorName?: string;
  readonly eventDay: string;
  readonly accountRegionTime: string;
  readonly ingestedBy: IngestedBy;
  readonly recordedAt: string;
  readonly expiresAt?: number;
  /** The link's cause, top level so a fill-in's condition can compare it. */
  readonly linkSort?: string;
  readonly initiatorName?: string;
}

/** The initiator's name as the `byInitiatorName` index keys it: only for a service's call. */
export function initiatorNameOf(
  record: Pick<AttributionRecord, 'via' | 'initiator' | 'lineage'>,
): string | undefined {
  if (record.via === null || record.lineage.byPerson || record.initiator?.name == null) return undefined;
  return record.initiator.name;
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

/** The row a record is written as: its `AttributionItem`, compacted. */
export function toItem(record: AttributionRecord, meta: WriteMeta): StoredItem {
  const item = fullItem(record, meta);
  return { ...compactRow(item), instanceId: item.instanceId, eventTimeId: item.eventTimeId };
}

/** The row of a record with every field, as `restoreRow` gives it back. */
export function fullItem(record: AttributionRecord, meta: WriteMeta): AttributionItem {
  const epochMs = eventEpochMs(record);
  const instanceId = partitionKeyOf(record);
  const eventTimeId = sortKeyOf(record);
  const shard = shardOf(instanceId, eventTimeId);
  const expiresAt = rowExpiry(record, meta);
  const initiatorName = initiatorNameOf(record);
  return {
    ...record,
    instanceId,
    eventTimeId,
    ...(record.actor.arn !== null ? { actorArn: shardedKey(record.actor.arn, shard) } : {}),
    ...(record.actor.name !== null ? { actorName: shardedKey(record.actor.name, shard) } : {}),
    eventDay: shardedKey(epochMs === null ? UNKNOWN_TIME : eventTimeId.slice(0, 10), shard),
    accountRegionTime: `${record.account ?? 'unknown'}#${record.region ?? 'unknown'}#${eventTimeId}`,
    ingestedBy: meta.ingestedBy,
    recordedAt: meta.now.toISOString(),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(record.lineage.linkSort !== null ? { linkSort: record.lineage.linkSort } : {}),
    ...(initiatorName !== undefined ? { initiatorName: shardedKey(initiatorName, shard) } : {}),
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
