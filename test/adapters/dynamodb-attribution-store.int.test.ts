import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbAttributionStore } from '../../lambda/adapters/dynamodb-attribution-store';
import { ATTRIBUTION_TABLE, keyOf } from '../../lambda/schema/attribution-table';
import { recordsOf } from '../helpers/fixtures';
import { documentClient, dynamoClient, freshTable } from '../helpers/services';

/** Mocks made by a test, restored after it whatever its outcome. */
const mocks: { restore(): void }[] = [];
afterEach(() => {
  for (const mock of mocks.splice(0)) mock.restore();
});

const META = { ingestedBy: 'live' as const, now: new Date('2026-03-15T00:00:00Z') };

describe('DynamoDbAttributionStore against DynamoDB Local', () => {
  const client = dynamoClient();
  const documents = documentClient(client);
  let tableName: string;
  let store: DynamoDbAttributionStore;

  beforeAll(async () => {
    tableName = await freshTable(client);
    store = new DynamoDbAttributionStore(documents, tableName);
  });
  afterAll(() => client.destroy());

  /** The rows of one logical index key, read as the README's AWS CLI loop reads them: shards 00–63. */
  async function everyShard(
    index: { readonly name: string; readonly partitionKey: string },
    value: string,
  ): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    for (let shard = 0; shard < 64; shard++) {
      const { Items } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index.name,
          KeyConditionExpression: '#pk = :value',
          ExpressionAttributeNames: { '#pk': index.partitionKey },
          ExpressionAttributeValues: { ':value': `${value}#${String(shard).padStart(2, '0')}` },
        }),
      );
      rows.push(...(Items ?? []));
    }
    return rows;
  }

  it('writes one row per instance and reads back the full record', async () => {
    const records = recordsOf('events/runinstances-iamuser-cli.json');
    expect(await store.putRecords(records, META)).toEqual({ written: 2, duplicates: 0 });
    const first = records[0];
    if (!first) throw new Error('fixture has records');
    const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: keyOf(first) }));
    expect(Item).toMatchObject({
      instanceId: 'i-0a1b2c3d4e5f60001',
      eventTimeId: '2026-03-02T09:15:04.000Z#11111111-aaaa-4bbb-8ccc-000000000001',
      // Index keys carry a two-digit shard, the same one on every index of the row.
      actorArn: expect.stringMatching(/^arn:aws:iam::111122223333:user\/alice#([0-5]\d|6[0-3])$/),
      actorName: expect.stringMatching(/^alice#\d\d$/),
      eventDay: expect.stringMatching(/^2026-03-02#\d\d$/),
      accountRegionTime:
        '111122223333#eu-west-1#2026-03-02T09:15:04.000Z#11111111-aaaa-4bbb-8ccc-000000000001',
      ingestedBy: 'live',
      launch: { instanceType: 't3.micro', tags: { Owner: 'alice' } },
      actor: { type: 'IAMUser', name: 'alice' },
    });
    const shard = String(Item?.eventDay).slice(-3);
    expect([String(Item?.actorArn).slice(-3), String(Item?.actorName).slice(-3)]).toEqual([shard, shard]);
  });

  it('never writes a second row for a duplicate delivery, even concurrently', async () => {
    const records = recordsOf('events/runinstances-root-console.json');
    const results = await Promise.all(Array.from({ length: 5 }, () => store.putRecords(records, META)));
    expect(results.reduce((n, r) => n + r.written, 0)).toBe(3);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(12);
    const Items = await everyShard(ATTRIBUTION_TABLE.indexes.byActorArn, 'arn:aws:iam::111122223333:root');
    expect(Items.map((i) => i.instanceId).sort()).toEqual([
      'i-0b1b2c3d4e5f60001',
      'i-0b1b2c3d4e5f60002',
      'i-0b1b2c3d4e5f60003',
    ]);
  });

  it('stores a failed launch under a no-instance key, findable by caller', async () => {
    await store.putRecords(recordsOf('events/runinstances-unauthorized-federated.json'), META);
    const Items = await everyShard(ATTRIBUTION_TABLE.indexes.byActorName, 'contractor-bob');
    expect(Items).toHaveLength(1);
    expect(Items[0]).toMatchObject({
      outcome: 'failed',
      instanceId: 'no-instance#11111111-aaaa-4bbb-8ccc-000000000007',
    });
  });

  it('rethrows anything but a failed condition (error path, mocked)', async () => {
    const mocked = mockClient(DynamoDBDocumentClient);
    mocks.push(mocked);
    mocked.on(PutCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const failing = new DynamoDbAttributionStore(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
      't',
    );
    await expect(failing.putRecords(recordsOf('events/stopinstances-awsservice.json'), META)).rejects.toThrow(
      'Rate exceeded',
    );
  });

  it('reports every failed row of a multi-instance event in one error (mocked)', async () => {
    const mocked = mockClient(DynamoDBDocumentClient);
    mocks.push(mocked);
    mocked
      .on(PutCommand)
      .rejects(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }));
    const failing = new DynamoDbAttributionStore(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
      't',
    );
    await expect(
      failing.putRecords(recordsOf('events/runinstances-root-console.json'), META),
    ).rejects.toThrow('3 of 3 attribution rows failed to write');
  });
});
