/**
 * How the bulk importer talks to DynamoDB (Local): 100 rows to a transaction where nothing is
 * billed, a conditional put each otherwise, and a read of the stored keys only while imports
 * keep finding stored rows. Whatever the requests, a stored row is never overwritten.
 */

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAttributionStore } from '../../lambda/adapters/dynamodb-attribution-store';
import { DynamoDbBatchImporter } from '../../lambda/adapters/dynamodb-batch-importer';
import { type AttributionRecord, attribute, entriesOf } from '../../lambda/domain';
import { keyOf } from '../../lambda/schema/attribution-table';
import { syntheticEvents } from '../../support/synthetic-trail';
import { documentClient, dynamoClient, freshTable } from '../helpers/services';

const LIVE = { ingestedBy: 'live' as const, now: new Date('2026-03-02T10:00:00Z') };
const REPLAY = { ingestedBy: 'replay' as const, now: new Date('2026-06-01T00:00:00Z') };

/** `count` rows with distinct keys, from the synthetic trail. */
function rows(count: number, seed: number): AttributionRecord[] {
  const byKey = new Map<string, AttributionRecord>();
  for (const event of syntheticEvents(count * 2, seed)) {
    for (const entry of entriesOf(JSON.parse(event.text))) {
      if (entry.kind !== 'record') continue;
      const result = attribute(entry.record, entry.context);
      if (result.kind !== 'records') continue;
      for (const record of result.records) {
        const key = keyOf(record);
        byKey.set(`${key.instanceId}|${key.eventTimeId}`, record);
      }
    }
    if (byKey.size >= count) break;
  }
  return [...byKey.values()].slice(0, count);
}

describe('the bulk importer’s requests (DynamoDB Local)', () => {
  const client = dynamoClient();
  const requests: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      requests.push(context.commandName ?? '?');
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  const documents = documentClient(client);
  afterAll(() => client.destroy());
  beforeEach(() => {
    requests.length = 0;
  });
  const count = (name: string) => requests.filter((r) => r === name).length;

  async function stored(table: string, record: AttributionRecord) {
    const { Item } = await documents.send(
      new GetCommand({ TableName: table, Key: keyOf(record), ConsistentRead: true }),
    );
    return Item;
  }

  it('writes 250 new rows in three transactions, with one read of the stored keys first', async () => {
    const table = await freshTable(client, 'tx');
    const records = rows(250, 11);
    expect(records).toHaveLength(250);
    const importer = new DynamoDbBatchImporter(documents, table, { requests: 'transactions' });
    requests.length = 0;
    expect(await importer.import(records, REPLAY)).toEqual({ written: 250, duplicates: 0, failed: [] });
    // 250 rows: 100 + 100 + 50; BatchGetItem takes 100 keys a call.
    expect(count('TransactWriteItemsCommand')).toBe(3);
    expect(count('BatchGetItemCommand')).toBe(3);
    expect(count('PutItemCommand')).toBe(0);
    for (const record of [records[0], records[249]])
      expect((await stored(table, record as AttributionRecord))?.ingestedBy).toBe('replay');
  });

  it('leaves stored rows as they are and writes the rest of their transaction', async () => {
    const table = await freshTable(client, 'tx');
    const records = rows(40, 12);
    const live = records.filter((_, i) => i % 10 === 3);
    await new DynamoDbAttributionStore(documents, table).putRecords(live, LIVE);
    // No read first: the transaction's conditions alone find the four stored rows.
    const importer = new DynamoDbBatchImporter(documents, table, {
      requests: 'transactions',
      existenceCheck: 'adaptive',
    });
    await importer.import(rows(5, 99), REPLAY);
    requests.length = 0;
    expect(await importer.import(records, REPLAY)).toEqual({ written: 36, duplicates: 4, failed: [] });
    expect(count('BatchGetItemCommand')).toBe(0);
    // Refused once for naming stored rows, then written without them.
    expect(count('TransactWriteItemsCommand')).toBe(2);
    for (const record of live)
      expect(await stored(table, record)).toMatchObject({
        ingestedBy: 'live',
        recordedAt: LIVE.now.toISOString(),
      });
    expect((await stored(table, records[0] as AttributionRecord))?.ingestedBy).toBe('replay');
  });

  it('reads the stored keys only while imports keep finding stored rows', async () => {
    const table = await freshTable(client, 'adaptive');
    const importer = new DynamoDbBatchImporter(documents, table);
    const [first, second, third] = [rows(30, 21), rows(30, 22), rows(30, 23)];
    await importer.import(first as AttributionRecord[], REPLAY);
    expect(count('BatchGetItemCommand')).toBe(1);
    // The first import found nothing stored: the second writes without reading.
    requests.length = 0;
    await importer.import(second as AttributionRecord[], REPLAY);
    expect(count('BatchGetItemCommand')).toBe(0);
    expect(count('PutItemCommand')).toBe(30);
    // A rerun over the first rows: its puts are refused, every row a duplicate, nothing changed.
    requests.length = 0;
    expect(await importer.import(first as AttributionRecord[], REPLAY)).toEqual({
      written: 0,
      duplicates: 30,
      failed: [],
    });
    expect(count('BatchGetItemCommand')).toBe(0);
    // Having found them stored, the next import reads first and writes only what is new.
    requests.length = 0;
    const mixed = [
      ...(second as AttributionRecord[]).slice(0, 20),
      ...(third as AttributionRecord[]).slice(0, 10),
    ];
    expect(await importer.import(mixed, REPLAY)).toEqual({ written: 10, duplicates: 20, failed: [] });
    expect(count('BatchGetItemCommand')).toBe(1);
    expect(count('PutItemCommand')).toBe(10);
  });

  it('reads before every import when asked to', async () => {
    const table = await freshTable(client, 'always');
    const importer = new DynamoDbBatchImporter(documents, table, { existenceCheck: 'always' });
    await importer.import(rows(10, 31), REPLAY);
    await importer.import(rows(10, 32).slice(5), REPLAY);
    expect(count('BatchGetItemCommand')).toBe(2);
  });
});
