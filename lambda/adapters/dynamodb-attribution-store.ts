import {
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { type AttributionRecord, type HistoryEntry, isAction } from '../domain';
import { at, isObject } from '../domain/json';
import type { AttributionStore, PolicyLookups, WriteResult } from '../ports';
import { ATTRIBUTION_TABLE, sortableTime, toItem, type WriteMeta } from '../schema/attribution-table';

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
    const outcomes = await Promise.allSettled(records.map((record) => this.putOne(record, meta)));
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

  /** True when the row was created, false when it already existed. */
  private async putOne(record: AttributionRecord, meta: WriteMeta): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(record, meta),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': ATTRIBUTION_TABLE.partitionKey },
        }),
      );
      return true;
    } catch (error) {
      // Matched by name: bundles and tests may hold more than one copy of the SDK's error classes.
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async history(instanceId: string): Promise<readonly HistoryEntry[]> {
    const entries: HistoryEntry[] = [];
    for await (const item of this.query({
      KeyConditionExpression: '#pk = :id',
      ProjectionExpression: '#action, outcome, eventTime, actorName, launch.tags',
      ExpressionAttributeNames: { '#pk': ATTRIBUTION_TABLE.partitionKey, '#action': 'action' },
      ExpressionAttributeValues: { ':id': instanceId },
    })) {
      const action = typeof item.action === 'string' && isAction(item.action) ? item.action : null;
      if (action === null) continue;
      const tags = at(item, 'launch', 'tags');
      entries.push({
        action,
        outcome: item.outcome === 'failed' ? 'failed' : 'success',
        eventTime: typeof item.eventTime === 'string' ? item.eventTime : null,
        actorName: typeof item.actorName === 'string' ? item.actorName : null,
        tags: isObject(tags) ? stringValues(tags) : null,
      });
    }
    return entries;
  }

  async countLaunches(
    actor: { readonly arn: string | null; readonly name: string | null },
    fromMs: number,
    toMs: number,
    excludeEventKey: string,
  ): Promise<number> {
    const index = actor.arn ? ATTRIBUTION_TABLE.indexes.byActorArn : ATTRIBUTION_TABLE.indexes.byActorName;
    const who = actor.arn ?? actor.name;
    if (who === null) return 0;
    let count = 0;
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          Select: 'COUNT',
          KeyConditionExpression: '#who = :who AND #sk BETWEEN :from AND :to',
          FilterExpression: '#action = :launch AND outcome = :success AND eventKey <> :self',
          ExpressionAttributeNames: { '#who': index.partitionKey, '#sk': index.sortKey, '#action': 'action' },
          ExpressionAttributeValues: {
            ':who': who,
            ':from': sortableTime(fromMs),
            // The sort key is `<time>#<eventKey>`: the upper bound takes every key at `toMs`.
            ':to': `${sortableTime(toMs)}#~`,
            ':launch': 'launch',
            ':success': 'success',
            ':self': excludeEventKey,
          },
          ExclusiveStartKey,
        }),
      );
      count += page.Count ?? 0;
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return count;
  }

  private async *query(input: Omit<QueryCommandInput, 'TableName'>): AsyncGenerator<Record<string, unknown>> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey }),
      );
      yield* page.Items ?? [];
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
}

function stringValues(value: object): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) if (typeof entry === 'string') out[key] = entry;
  return out;
}
