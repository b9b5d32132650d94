/** Replay next to the live function: a row the function writes while replay runs is never overwritten. */

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAttributionStore } from '../../lambda/adapters/dynamodb-attribution-store';
import { DynamoDbBatchImporter } from '../../lambda/adapters/dynamodb-batch-importer';
import { keyOf } from '../../lambda/schema/attribution-table';
import { recordsOf } from '../helpers/fixtures';
import { documentClient, dynamoClient, freshTable } from '../helpers/services';

const LIVE = { ingestedBy: 'live' as const, now: new Date('2026-03-02T10:00:00Z') };
const REPLAY = { ingestedBy: 'replay' as const, now: new Date('2026-06-01T00:00:00Z'), retentionDays: 30 };

describe('replay beside live deliveries (DynamoDB Local)', () => {
  const client = dynamoClient();
  afterAll(() => client.destroy());

  it('leaves a live row written between its existence check and its write exactly as the live function wrote it', async () => {
    const table = await freshTable(client, 'race');
    const documents = documentClient(client);
    const live = new DynamoDbAttributionStore(documents, table);
    const records = recordsOf('events/runinstances-root-console.json');
    // The live function's write lands right after replay's BatchGetItem has found nothing.
    let interleaved = false;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'BatchGetItemCommand' && !interleaved) {
          interleaved = true;
          await live.putRecords(records, LIVE);
        }
        return result;
      },
      { step: 'initialize', name: 'liveWriteBetweenCheckAndWrite' },
    );
    const outcome = await new DynamoDbBatchImporter(documents, table).import(records, REPLAY);
    expect(interleaved).toBe(true);
    expect(outcome).toEqual({ written: 0, duplicates: records.length, failed: [] });
    for (const record of records) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: table, Key: keyOf(record), ConsistentRead: true }),
      );
      expect(Item).toMatchObject({ ingestedBy: 'live', recordedAt: LIVE.now.toISOString() });
      // Kept forever, as the live function wrote it: replay's retention did not schedule it for deletion.
      expect(Item?.expiresAt).toBeUndefined();
    }
  });

  it('writes the other rows of the chunk when only one of them appeared meanwhile', async () => {
    const table = await freshTable(client, 'race');
    const other = dynamoClient();
    const documents = documentClient(other);
    const records = recordsOf('events/runinstances-root-console.json');
    const [first] = records;
    if (!first) throw new Error('fixture without records');
    let interleaved = false;
    other.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'BatchGetItemCommand' && !interleaved) {
          interleaved = true;
          await new DynamoDbAttributionStore(documentClient(client), table).putRecords([first], LIVE);
        }
        return result;
      },
      { step: 'initialize', name: 'oneLiveWrite' },
    );
    const outcome = await new DynamoDbBatchImporter(documents, table).import(records, REPLAY);
    other.destroy();
    expect(outcome).toEqual({ written: records.length - 1, duplicates: 1, failed: [] });
    const { Item } = await documents.send(
      new GetCommand({ TableName: table, Key: keyOf(first), ConsistentRead: true }),
    );
    expect(Item?.ingestedBy).toBe('live');
  });
});
