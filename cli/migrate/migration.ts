/**
 * Moves the rows of a table written by an earlier version onto the indexes of this one: each
 * such row gets its `byPerson` and `byDate` keys (docs/table-move.md). A Scan is right here (the
 * one place ec2trail scans): a migration reads every item once. Each change is a conditional
 * update (the row is an earlier version's and has no new keys yet), so running it twice, or
 * beside the live function, changes nothing twice and never overwrites a newer value. When every
 * row is moved and both new indexes are active, it writes the item that tells readers to leave
 * the legacy indexes alone.
 */

import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ATTRIBUTION_TABLE, LAYOUT_MOVED_KEY } from '../../lambda/schema/attribution-table';
import { indexKeyChange, type KeyChange, READ_FOR_KEYS } from './index-keys';

export interface MigrationTally {
  scanned: number;
  /** Rows given the keys of the new indexes. */
  moved: number;
  /** Rows another writer changed between the scan and the update, already moved. */
  raced: number;
  /**
   * True when the run moved every row and both new indexes are active: it wrote the item that
   * ends the reading of the legacy indexes.
   */
  done: boolean;
  /** The new indexes the table does not have yet, or has not finished filling. */
  waitingFor: string[];
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

const PROJECTION = READ_FOR_KEYS.map((_, i) => `#r${i}`).join(', ');
const PROJECTION_NAMES = Object.fromEntries(READ_FOR_KEYS.map((name, i) => [`#r${i}`, name]));

export async function migrateIndexKeys(options: MigrationOptions): Promise<MigrationTally> {
  const { documents, tableName } = options;
  const segments = options.segments ?? 4;
  const described = await documents.send(new DescribeTableCommand({ TableName: tableName }));
  const tally: MigrationTally = {
    scanned: 0,
    moved: 0,
    raced: 0,
    done: false,
    waitingFor: [],
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
        ExpressionAttributeNames: PROJECTION_NAMES,
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
  if (options.dryRun) return tally;
  tally.waitingFor = await newIndexesNotReady(documents, tableName);
  if (tally.waitingFor.length === 0) {
    // Written once: a later run leaves the first one's time as it is.
    try {
      await documents.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...LAYOUT_MOVED_KEY, movedAt: new Date().toISOString(), scanned: tally.scanned },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': ATTRIBUTION_TABLE.partitionKey },
        }),
      );
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'ConditionalCheckFailedException') throw error;
    }
    tally.done = true;
  }
  return tally;
}

/** The indexes of this version the table lacks, or is still filling (CREATING, backfilling). */
async function newIndexesNotReady(documents: DynamoDBDocumentClient, tableName: string): Promise<string[]> {
  const described = await documents.send(new DescribeTableCommand({ TableName: tableName }));
  const indexes = described.Table?.GlobalSecondaryIndexes ?? [];
  return Object.values(ATTRIBUTION_TABLE.indexes)
    .map((index) => index.name)
    .filter((name) => {
      const index = indexes.find((i) => i.IndexName === name);
      return index === undefined || index.IndexStatus !== 'ACTIVE' || index.Backfilling === true;
    });
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

/** One conditional update: true when applied, false when the row was moved meanwhile. */
async function apply(
  documents: DynamoDBDocumentClient,
  tableName: string,
  change: KeyChange,
): Promise<boolean> {
  const setsPerson = 'person' in change.sets;
  const names: Record<string, string> = {
    '#old': 'eventDay',
    '#new': 'date',
    ...(setsPerson ? { '#person': 'person' } : {}),
  };
  const values: Record<string, string> = {};
  const sets: string[] = [];
  Object.entries(change.sets).forEach(([attribute, value], i) => {
    names[`#a${i}`] = attribute;
    values[`:v${i}`] = value;
    sets.push(`#a${i} = :v${i}`);
  });
  try {
    await documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: change.key,
        UpdateExpression: `SET ${sets.join(', ')}`,
        // Never over a newer value: the row must still be unmoved, and unlinked when the person is set.
        ConditionExpression: `attribute_exists(#old) AND attribute_not_exists(#new)${setsPerson ? ' AND attribute_not_exists(#person)' : ''}`,
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
