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

  /** The entries of one `byPerson` key, as one `aws dynamodb query` reads them. */
  async function personEntries(person: string): Promise<Record<string, unknown>[]> {
    const { Items } = await documents.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: ATTRIBUTION_TABLE.indexes.byPerson.name,
        KeyConditionExpression: '#pk = :value',
        ExpressionAttributeNames: { '#pk': ATTRIBUTION_TABLE.indexes.byPerson.partitionKey },
        ExpressionAttributeValues: { ':value': person },
      }),
    );
    return Items ?? [];
  }

  it("writes one row per instance, the index keys on the event's lead row only", async () => {
    const records = recordsOf('events/runinstances-iamuser-cli.json');
    expect(await store.putRecords(records, META)).toEqual({ written: 2, duplicates: 0 });
    const [first, second] = records;
    if (!first || !second) throw new Error('the fixture has two records');
    const lead = await documents.send(new GetCommand({ TableName: tableName, Key: keyOf(first) }));
    expect(lead.Item).toMatchObject({
      instanceId: 'i-0a1b2c3d4e5f60001',
      eventTimeId: '2026-03-02T09:15:04.000Z#11111111-aaaa-4bbb-8ccc-000000000001',
      // The person's key is whole; the day's carries a two-digit shard.
      person: 'alice',
      date: expect.stringMatching(/^2026-03-02#([0-5]\d|6[0-3])$/),
      accountRegionTime:
        '111122223333#eu-west-1#2026-03-02T09:15:04.000Z#11111111-aaaa-4bbb-8ccc-000000000001',
      instanceIds: ['i-0a1b2c3d4e5f60001', 'i-0a1b2c3d4e5f60002'],
      ingestedBy: 'live',
      launch: { instanceType: 't3.micro', tags: { Owner: 'alice' } },
      actor: { type: 'IAMUser', name: 'alice' },
    });
    const other = await documents.send(new GetCommand({ TableName: tableName, Key: keyOf(second) }));
    for (const key of ['person', 'date', 'accountRegionTime', 'instanceIds'])
      expect(other.Item).not.toHaveProperty(key);
    // None of the keys of the legacy indexes.
    for (const key of ['actorArn', 'actorName', 'eventDay', 'initiatorName'])
      expect(lead.Item).not.toHaveProperty(key);
  });

  it('never writes a second row for a duplicate delivery, even concurrently', async () => {
    const records = recordsOf('events/runinstances-root-console.json');
    const results = await Promise.all(Array.from({ length: 5 }, () => store.putRecords(records, META)));
    expect(results.reduce((n, r) => n + r.written, 0)).toBe(3);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(12);
    // One entry for the event, naming its three instances.
    const entries = await personEntries(records[0]?.actor.name ?? '');
    expect(entries).toHaveLength(1);
    expect(entries[0]?.instanceIds).toEqual([
      'i-0b1b2c3d4e5f60001',
      'i-0b1b2c3d4e5f60002',
      'i-0b1b2c3d4e5f60003',
    ]);
  });

  it('stores a failed launch under a no-instance key, findable by caller', async () => {
    await store.putRecords(recordsOf('events/runinstances-unauthorized-federated.json'), META);
    const entries = await personEntries('contractor-bob');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
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
