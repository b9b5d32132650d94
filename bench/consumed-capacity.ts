/**
 * Counts the capacity units DynamoDB says each request consumed: every request is sent with
 * `ReturnConsumedCapacity: INDEXES` and the table's and indexes' units are summed, split into
 * reads and writes. DynamoDB Local reports units as DynamoDB does for plain requests; AWS bills a
 * transaction's items twice, so transactional units are doubled here, and a write refused by its
 * condition (which DynamoDB Local reports nothing for) is counted as the one unit AWS charges.
 */

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface CapacityTally {
  readUnits: number;
  writeUnits: number;
  requests: number;
  refusedWrites: number;
}

const READS = new Set([
  'GetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'TransactGetItemsCommand',
]);
const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);
const TRANSACTIONS = new Set(['TransactWriteItemsCommand', 'TransactGetItemsCommand']);

interface Consumed {
  readonly CapacityUnits?: number;
}

function unitsOf(consumed: unknown): number {
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return list.reduce((sum: number, entry: Consumed) => sum + (entry.CapacityUnits ?? 0), 0);
}

/** Adds the meter to a client; the returned tally grows with every request it sends. */
export function meterCapacity(client: DynamoDBClient): CapacityTally {
  const tally: CapacityTally = { readUnits: 0, writeUnits: 0, requests: 0, refusedWrites: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName ?? '');
      const isRead = READS.has(command);
      const isWrite = WRITES.has(command);
      if (isRead || isWrite) (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'INDEXES';
      tally.requests++;
      try {
        const result = await next(args);
        const factor = TRANSACTIONS.has(command) ? 2 : 1;
        const units = factor * unitsOf((result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity);
        if (isRead) tally.readUnits += units;
        if (isWrite) tally.writeUnits += units;
        return result;
      } catch (error) {
        const name = error instanceof Error ? error.name : '';
        if (
          isWrite &&
          (name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException')
        ) {
          tally.refusedWrites++;
          tally.writeUnits += 1;
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'ec2trailConsumedCapacity' },
  );
  return tally;
}
