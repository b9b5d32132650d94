import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ATTRIBUTION_TABLE, type StoredItem } from '../schema/attribution-table';

/** TransactWriteItems takes at most 100 actions and 4 MB; groups stay under both. */
const GROUP_ITEMS = 100;
const GROUP_BYTES = 3_500_000;

export type RowOutcome = 'written' | 'exists' | { readonly reason: string };

export interface TransactOptions {
  readonly maxAttempts: number;
  readonly backoffMs: (attempt: number) => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** Why a transaction's action was refused, one per action, as TransactionCanceledException gives them. */
interface Cancelled extends Error {
  readonly CancellationReasons?: readonly { readonly Code?: string }[];
}

/** The reasons that say another try can succeed; any other refusal is final for that row. */
const RETRYABLE_REASONS = new Set([
  'None',
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);
const RETRYABLE_ERRORS = new Set([
  'TransactionConflictException',
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'TransactionInProgressException',
]);

/**
 * Writes rows that are not stored yet, up to 100 to a TransactWriteItems of conditional puts:
 * the same condition as `putRowIfAbsent`, so a stored row is never overwritten, in one request
 * instead of a hundred. A refused transaction names each refused put: those whose row exists are
 * reported as such, and the others are tried again without them.
 *
 * A transaction is billed twice the write units of the puts it holds, so this is for a DynamoDB
 * that bills nothing (DynamoDB Local), where a request, not a unit, is what costs.
 * `undefined` for a row means the transaction could not take it (too large, say): write it
 * with `putRowIfAbsent`.
 */
export async function transactRowsIfAbsent(
  client: DynamoDBDocumentClient,
  tableName: string,
  items: readonly StoredItem[],
  options: TransactOptions,
): Promise<(RowOutcome | undefined)[]> {
  const outcomes: (RowOutcome | undefined)[] = new Array(items.length);
  await Promise.all(
    groups(items).map((group) => transactGroup(client, tableName, items, group, outcomes, options)),
  );
  return outcomes;
}

function groups(items: readonly StoredItem[]): number[][] {
  const out: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  items.forEach((item, i) => {
    const size = JSON.stringify(item).length;
    if (current.length === GROUP_ITEMS || (current.length > 0 && bytes + size > GROUP_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(i);
    bytes += size;
  });
  if (current.length > 0) out.push(current);
  return out;
}

async function transactGroup(
  client: DynamoDBDocumentClient,
  tableName: string,
  items: readonly StoredItem[],
  group: readonly number[],
  outcomes: (RowOutcome | undefined)[],
  options: TransactOptions,
): Promise<void> {
  let pending = group;
  let reason = '';
  for (let attempt = 1; attempt <= options.maxAttempts && pending.length > 0; attempt++) {
    try {
      await client.send(
        new TransactWriteCommand({
          TransactItems: pending.map((i) => ({
            Put: {
              TableName: tableName,
              Item: items[i],
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: { '#pk': ATTRIBUTION_TABLE.partitionKey },
            },
          })),
        }),
      );
      for (const i of pending) outcomes[i] = 'written';
      return;
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      reason = `${error.name}: ${error.message}`;
      const reasons = (error as Cancelled).CancellationReasons;
      if (error.name === 'TransactionCanceledException' && reasons?.length === pending.length) {
        const again: number[] = [];
        let existed = false;
        pending.forEach((i, at) => {
          const code = reasons[at]?.Code ?? 'None';
          if (code === 'ConditionalCheckFailed') {
            outcomes[i] = 'exists';
            existed = true;
          } else if (RETRYABLE_REASONS.has(code)) again.push(i);
          else outcomes[i] = { reason: `${code}: ${error.message}` };
        });
        pending = again;
        // Refused only because some rows exist: the rest go again at once.
        if (existed) {
          attempt--;
          continue;
        }
      } else if (error.name === 'ValidationException') {
        // Over a limit the grouping did not foresee: each row goes on its own.
        return;
      } else if (!RETRYABLE_ERRORS.has(error.name)) {
        for (const i of pending) outcomes[i] = { reason };
        return;
      }
    }
    if (pending.length > 0 && attempt < options.maxAttempts) await options.sleep(options.backoffMs(attempt));
  }
  for (const i of pending) outcomes[i] ??= { reason };
}
