import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** BatchGetItem reads at most 100 keys per call. */
const GET_BATCH = 100;

export interface BatchGetOptions {
  readonly projection: string;
  readonly names: Readonly<Record<string, string>>;
  readonly maxAttempts: number;
  readonly backoffMs: (attempt: number) => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * Every item of `keys` that exists, 100 keys per BatchGetItem. Keys DynamoDB leaves unprocessed
 * (throttling) are asked again with backoff; after `maxAttempts` it throws rather than return
 * an answer with items silently missing.
 */
export async function batchGetAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Record<string, unknown>[],
  options: BatchGetOptions,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += GET_BATCH) {
    let pending: Record<string, unknown>[] = keys.slice(i, i + GET_BATCH);
    for (let attempt = 1; pending.length > 0; attempt++) {
      const result = await client.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: pending,
              // An empty projection reads whole items.
              ...(options.projection !== ''
                ? { ProjectionExpression: options.projection, ExpressionAttributeNames: { ...options.names } }
                : {}),
            },
          },
        }),
      );
      items.push(...(result.Responses?.[tableName] ?? []));
      pending = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
      if (pending.length > 0) {
        if (attempt >= options.maxAttempts)
          throw new Error(`${pending.length} keys stayed unprocessed after ${attempt} attempts`);
        await options.sleep(options.backoffMs(attempt));
      }
    }
  }
  return items;
}
