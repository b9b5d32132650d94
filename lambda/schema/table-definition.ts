/** The attribution table's indexes at each step of a move, and its CreateTable request for DynamoDB Local and tests (the stack builds its own from the same schema). */

import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { ATTRIBUTION_TABLE, LEGACY_INDEXES, type LegacyIndexName } from './attribution-table';

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /** Non-key attributes the index copies (INCLUDE); undefined copies whole rows (ALL). */
  readonly include?: readonly string[];
}

/** The last step of a move (docs/table-move.md): the table has the new indexes only. */
export const LAST_MOVE_STEP = 6;

/** The legacy indexes removed at steps 3 to 6, one per deploy, in this order. */
const REMOVAL_ORDER: readonly LegacyIndexName[] = ['byActorArn', 'byActorName', 'byInitiatorName', 'byDay'];

/**
 * The table's indexes at a step of a move: CloudFormation adds or removes one index per update,
 * so step 1 adds `byPerson` to the four legacy indexes, step 2 adds `byDate`, and steps 3 to 6
 * remove a legacy index each. No step (a new table) is the end state.
 */
export function indexesAt(moveStep?: number): IndexDefinition[] {
  const { byPerson, byDate } = ATTRIBUTION_TABLE.indexes;
  if (moveStep === undefined || moveStep >= LAST_MOVE_STEP) return [byPerson, byDate];
  const removed = REMOVAL_ORDER.slice(0, Math.max(0, moveStep - 2));
  const legacy = (Object.keys(LEGACY_INDEXES) as LegacyIndexName[])
    .filter((name) => !removed.includes(name))
    .map((name) => LEGACY_INDEXES[name]);
  return [...legacy, byPerson, ...(moveStep >= 2 ? [byDate] : [])];
}

/** True at the steps of a move where writers add the legacy indexes' keys (1 and 2: until `migrate` is done). */
export function writesLegacyKeys(moveStep: number | undefined): boolean {
  return moveStep !== undefined && moveStep <= 2;
}

export function createTableInput(tableName: string, moveStep?: number): CreateTableCommandInput {
  const { partitionKey, sortKey } = ATTRIBUTION_TABLE;
  const indexes = indexesAt(moveStep);
  const attributes = new Set<string>([partitionKey, sortKey]);
  for (const index of indexes) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection:
        index.include === undefined
          ? { ProjectionType: 'ALL' }
          : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.include] },
    })),
  };
}
