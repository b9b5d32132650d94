import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AttributionRecord } from '../domain';
import type { AttributionStore, WriteResult } from '../ports';
import { ATTRIBUTION_TABLE, toItem, type WriteMeta } from '../schema/attribution-table';

/**
 * Attribution rows in DynamoDB. Each row is written with a condition on its key, so an event
 * delivered twice (EventBridge delivers at least once) never creates a second row.
 */
export class DynamoDbAttributionStore implements AttributionStore {
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
}
