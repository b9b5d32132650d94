import {
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { type AttributionRecord, type HistoryEntry, isAction } from '../domain';
import { at, isObject } from '../domain/json';
import { type MinuteCount, minuteOf } from '../domain/policy/quota';
import type { AttributionStore, LaunchCount, PolicyLookups, WriteResult } from '../ports';
import {
  ATTRIBUTION_TABLE,
  minuteOfQuotaKey,
  quotaEventKey,
  quotaMinuteKey,
  type WriteMeta,
} from '../schema/attribution-table';
import { recordOfRow } from '../schema/record-row';
import { putRowIfAbsent } from './put-row-if-absent';
import { queryItems } from './query-items';

/**
 * Attribution rows in DynamoDB. Each row is written with a condition on its key, so an event
 * delivered twice (EventBridge delivers at least once) never creates a second row.
 */
export class DynamoDbAttributionStore implements AttributionStore, PolicyLookups {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putRecords(records: readonly AttributionRecord[], meta: WriteMeta): Promise<WriteResult> {
    // All rows of one event are written concurrently; if any write fails the whole call throws,
    // and the retry skips the rows that made it (their condition fails) and writes the rest.
    const outcomes = await Promise.allSettled(
      records.map((record) => putRowIfAbsent(this.client, this.tableName, record, meta)),
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
    for await (const item of this.query({
      KeyConditionExpression: '#pk = :id',
      ExpressionAttributeNames: { '#pk': ATTRIBUTION_TABLE.partitionKey },
      ExpressionAttributeValues: { ':id': instanceId },
      // A row written before this read must be in it: concurrent events then see each other.
      ConsistentRead: true,
    })) {
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

  async countLaunch(launch: LaunchCount): Promise<void> {
    // The marker and the count change together or not at all: a redelivery finds the marker.
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
                Key: quotaMinuteKey(launch.subject, minuteOf(launch.atMs)),
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
