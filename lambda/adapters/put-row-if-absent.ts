import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AttributionRecord } from '../domain';
import {
  ATTRIBUTION_TABLE,
  type RowPlace,
  SOLE_ROW,
  toItem,
  type WriteMeta,
} from '../schema/attribution-table';

/**
 * Writes a record's row unless a row with its key exists: true when written, false when it
 * existed (an earlier delivery, or the live function before a replay). Other errors are thrown.
 * How the function writes rows, and replay against AWS; where nothing is billed, replay puts
 * the same condition on 100 rows at a time (./transact-rows-if-absent.ts).
 */
export async function putRowIfAbsent(
  client: DynamoDBDocumentClient,
  tableName: string,
  record: AttributionRecord,
  meta: WriteMeta,
  place: RowPlace = SOLE_ROW,
  withLegacyKeys = false,
): Promise<boolean> {
  try {
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: toItem(record, meta, place, withLegacyKeys),
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
