import {
  type DynamoDBDocumentClient,
  GetCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type AttributionRecord, type HistoryEntry, isAction } from '../domain';
import { at, isObject } from '../domain/json';
import { type MinuteCount, minuteOf } from '../domain/policy/quota';
import type { AttributionStore, LaunchCount, PolicyLookups, WriteResult } from '../ports';
import {
  ATTRIBUTION_TABLE,
  minuteOfQuotaKey,
  placesOf,
  quotaEventKey,
  quotaMinuteKey,
  type WriteMeta,
} from '../schema/attribution-table';
import { recordOfRow } from '../schema/record-row';
import { restoreRow } from '../schema/row-codec';
import { putRowIfAbsent } from './put-row-if-absent';
import { queryItems } from './query-items';

/** How rows are written. */
export interface RowWriteOptions {
  /**
   * Also the legacy indexes' keys, on every row: steps 1 and 2 of a table move (docs/table-move.md).
   * @default false
   */
  readonly legacyKeys?: boolean;
}

/**
 * Event keys a minute's count keeps in its `counted` set: 20 event ids of 36 characters and the
 * rest of the item stay under 1 KB, so each update costs one write unit.
 */
const COUNTED_PER_MINUTE = 20;

/**
 * Attribution rows in DynamoDB. Each row is written with a condition on its key, so an event
 * delivered twice (EventBridge delivers at least once) never creates a second row.
 */
export class DynamoDbAttributionStore implements AttributionStore, PolicyLookups {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: RowWriteOptions = {},
  ) {}

  async putRecords(records: readonly AttributionRecord[], meta: WriteMeta): Promise<WriteResult> {
    // All rows of one event are written concurrently; if any write fails the whole call throws,
    // and the retry skips the rows that made it (their condition fails) and writes the rest.
    const places = placesOf(records);
    const outcomes = await Promise.allSettled(
      records.map((record, i) =>
        putRowIfAbsent(this.client, this.tableName, record, meta, places[i], this.options.legacyKeys),
      ),
    );
    let written = 0;
    let duplicates = 0;
    const failures: unknown[] = [];
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') failures.push(outcome.reason);
      else if (outcome.value) written++;
      else duplicates++;
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) {
      throw new AggregateError(
        failures,
        `${failures.length} of ${records.length} attribution rows failed to write`,
      );
    }
    return { written, duplicates };
  }

  async history(instanceId: string): Promise<readonly HistoryEntry[]> {
    const entries: HistoryEntry[] = [];
    for await (const stored of this.query({
      KeyConditionExpression: '#pk = :id',
      ExpressionAttributeNames: { '#pk': ATTRIBUTION_TABLE.partitionKey },
      ExpressionAttributeValues: { ':id': instanceId },
      // A row written before this read must be in it: concurrent events then see each other.
      ConsistentRead: true,
    })) {
      const item = restoreRow(stored);
      const action = typeof item.action === 'string' && isAction(item.action) ? item.action : null;
      if (action === null || typeof item.eventKey !== 'string') continue;
      const tags = at(item, 'launch', 'tags');
      entries.push({
        eventKey: item.eventKey,
        action,
        outcome: item.outcome === 'failed' ? 'failed' : 'success',
        eventTime: typeof item.eventTime === 'string' ? item.eventTime : null,
        actorName: text(at(item, 'actor', 'name')),
        tags: isObject(tags) ? stringValues(tags) : null,
        record: recordOfRow(item),
      });
    }
    return entries;
  }

  /**
   * One conditional update of the minute's count: it adds the launches and the event's key to the
   * minute's `counted` set unless the set holds the key already, so a redelivery is not counted
   * twice. The set takes the minute's first `COUNTED_PER_MINUTE` events, which keeps the item
   * near 1 KB (an update is billed at the item's size). Later events of a busy minute, and every
   * event of a minute counted before the set existed, are counted as they were before: a
   * transaction of the count and a marker per event, so no event is counted twice either way.
   */
  async countLaunch(launch: LaunchCount, attempt = 1): Promise<void> {
    const key = quotaMinuteKey(launch.subject, minuteOf(launch.atMs));
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'ADD launches :n, #counted :key SET expiresAt = :expires',
          ConditionExpression:
            'attribute_not_exists(launches) OR (size(#counted) < :cap AND NOT contains(#counted, :event))',
          ExpressionAttributeNames: { '#counted': 'counted' },
          ExpressionAttributeValues: {
            ':cap': COUNTED_PER_MINUTE,
            ':n': launch.instances,
            ':key': new Set([launch.eventKey]),
            ':event': launch.eventKey,
            ':expires': launch.expiresAt,
          },
        }),
      );
      return;
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'ConditionalCheckFailedException') throw error;
    }
    const minute = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    const counted = minute.Item?.counted;
    if (counted instanceof Set && counted.has(launch.eventKey)) return;
    const setFull = counted instanceof Set && counted.size >= COUNTED_PER_MINUTE;
    const legacy = minute.Item !== undefined && !(counted instanceof Set);
    if (setFull || legacy) return this.countWithMarker(launch, key);
    // The minute was gone (expired) between the two requests: count again, from the top.
    if (attempt >= 5)
      throw new Error(`the launch count of ${key[ATTRIBUTION_TABLE.partitionKey]} kept changing`);
    return this.countLaunch(launch, attempt + 1);
  }

  /** A count with a marker item for the event: the marker and the count change together. */
  private async countWithMarker(launch: LaunchCount, key: Record<string, string>): Promise<void> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...quotaEventKey(launch.subject, launch.eventKey), expiresAt: launch.expiresAt },
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': ATTRIBUTION_TABLE.partitionKey },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: key,
                UpdateExpression: 'ADD launches :n SET expiresAt = :expires',
                ExpressionAttributeValues: { ':n': launch.instances, ':expires': launch.expiresAt },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (alreadyCounted(error)) return;
      throw error;
    }
  }

  async launchCounts(subject: string, fromMs: number, toMs: number): Promise<readonly MinuteCount[]> {
    const from = quotaMinuteKey(subject, minuteOf(fromMs));
    const to = quotaMinuteKey(subject, minuteOf(toMs));
    const counts: MinuteCount[] = [];
    for await (const item of this.query({
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ProjectionExpression: '#sk, launches',
      ExpressionAttributeNames: { '#pk': ATTRIBUTION_TABLE.partitionKey, '#sk': ATTRIBUTION_TABLE.sortKey },
      ExpressionAttributeValues: {
        ':pk': from[ATTRIBUTION_TABLE.partitionKey],
        ':from': from[ATTRIBUTION_TABLE.sortKey],
        ':to': to[ATTRIBUTION_TABLE.sortKey],
      },
      ConsistentRead: true,
    })) {
      const minuteMs = minuteOfQuotaKey(item[ATTRIBUTION_TABLE.sortKey]);
      if (minuteMs !== null && typeof item.launches === 'number')
        counts.push({ minuteMs, launches: item.launches });
    }
    return counts;
  }

  private query(input: Omit<QueryCommandInput, 'TableName'>): AsyncGenerator<Record<string, unknown>> {
    return queryItems(this.client, { ...input, TableName: this.tableName });
  }
}

/** True when a count's transaction was cancelled because the event's marker exists. */
function alreadyCounted(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const reasons = 'CancellationReasons' in error ? error.CancellationReasons : undefined;
  const first: unknown = Array.isArray(reasons) ? reasons[0] : undefined;
  return (
    typeof first === 'object' && first !== null && 'Code' in first && first.Code === 'ConditionalCheckFailed'
  );
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function stringValues(value: object): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string') out[key] = entry;
  return out;
}
