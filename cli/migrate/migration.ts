/**
 * Moves the rows of a table written before index sharding onto the sharded index keys. A Scan is
 * right here (the one place ec2trail scans): a migration reads every item once. Each change is
 * a conditional update on the values the scan saw, so running it twice, or beside the live
 * function, changes nothing twice and never overwrites a newer value.
 */

import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ATTRIBUTION_TABLE } from '../../lambda/schema/attribution-table';
import { indexKeyChange, type KeyChange } from './index-keys';

export interface MigrationTally {
  scanned: number;
  /** Rows given sharded index keys. */
  moved: number;
  /** Rows another writer put on sharded keys between the scan and the update (a link, say). */
  raced: number;
  /** The table's item count as DynamoDB last reported it (updated about every six hours in AWS). */
  readonly estimate: number | null;
}

export interface MigrationOptions {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Parallel scan segments. @default 4 */
  readonly segments?: number;
  /** Count what would change without changing it. */
  readonly dryRun?: boolean;
  readonly onProgress?: (tally: Readonly<MigrationTally>) => void;
}

const PROJECTION = [
  ATTRIBUTION_TABLE.partitionKey,
  ATTRIBUTION_TABLE.sortKey,
  'eventName',
  'actor.arn',
  'actor.#name',
  'initiator.#name',
  'eventDay',
  'actorArn',
  'actorName',
  'initiatorName',
].join(', ');

export async function migrateIndexKeys(options: MigrationOptions): Promise<MigrationTally> {
  const { documents, tableName } = options;
  const segments = options.segments ?? 4;
  const described = await documents.send(new DescribeTableCommand({ TableName: tableName }));
  const tally: MigrationTally = {
    scanned: 0,
    moved: 0,
    raced: 0,
    estimate: described.Table?.ItemCount ?? null,
  };
  const segment = async (index: number): Promise<void> => {
    const pages = paginateScan(
      { client: documents },
      {
        TableName: tableName,
        Segment: index,
        TotalSegments: segments,
        ProjectionExpression: PROJECTION,
        ExpressionAttributeNames: { '#name': 'name' },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const change = indexKeyChange(item);
        if (change !== null) {
          if (options.dryRun) tally.moved++;
          else if (await settle(documents, tableName, change)) tally.moved++;
          else tally.raced++;
        }
        tally.scanned++;
      }
      options.onProgress?.(tally);
    }
  };
  await Promise.all(Array.from({ length: segments }, (_, index) => segment(index)));
  return tally;
}

/**
 * Applies a change; when a writer changed the row in between, reads it again and applies what is
 * still needed. True when this run moved the row, false when the other writer finished the job.
 */
async function settle(
  documents: DynamoDBDocumentClient,
  tableName: string,
  first: KeyChange,
): Promise<boolean> {
  let change: KeyChange | null = first;
  for (let attempt = 0; change !== null && attempt < 5; attempt++) {
    if (await apply(documents, tableName, change)) return true;
    const item = await readItem(documents, tableName, change.key);
    change = item ? indexKeyChange(item) : null;
  }
  if (change === null) return false;
  throw new Error(`the index keys of ${JSON.stringify(first.key)} kept changing during the migration`);
}

async function readItem(
  documents: DynamoDBDocumentClient,
  tableName: string,
  key: Record<string, string>,
): Promise<Record<string, unknown> | undefined> {
  const read = await documents.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
  return read.Item;
}

/** One conditional update: true when applied, false when the row's keys were no longer the ones seen. */
async function apply(
  documents: DynamoDBDocumentClient,
  tableName: string,
  change: KeyChange,
): Promise<boolean> {
  const names: Record<string, string> = {};
  const values: Record<string, string> = {};
  const sets: string[] = [];
  const conditions: string[] = [];
  Object.entries(change.changes).forEach(([attribute, [now, wanted]], i) => {
    names[`#a${i}`] = attribute;
    values[`:old${i}`] = now;
    values[`:new${i}`] = wanted;
    sets.push(`#a${i} = :new${i}`);
    conditions.push(`#a${i} = :old${i}`);
  });
  try {
    await documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: change.key,
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
