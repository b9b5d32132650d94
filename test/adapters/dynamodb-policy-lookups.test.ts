import { DynamoDbAttributionStore } from '../../lambda/adapters/dynamodb-attribution-store';
import type { AttributionRecord } from '../../lambda/domain';
import { recordsOf } from '../helpers/fixtures';
import { documentClient, dynamoClient, freshTable } from '../helpers/services';

const META = { ingestedBy: 'live' as const, now: new Date('2026-03-15T00:00:00Z') };

function launchAt(minute: number, eventId: string): AttributionRecord[] {
  return recordsOf('events/runinstances-iamuser-cli.json').map((r) => ({
    ...r,
    eventId,
    eventKey: eventId,
    eventTime: `2026-03-02T09:${String(minute).padStart(2, '0')}:00Z`,
    instanceId: `${r.instanceId}-${eventId}`,
  }));
}

describe('policy lookups against DynamoDB Local', () => {
  const client = dynamoClient();
  const documents = documentClient(client);
  let store: DynamoDbAttributionStore;

  beforeAll(async () => {
    const table = await freshTable(client, 'policy');
    store = new DynamoDbAttributionStore(documents, table);
  });
  afterAll(() => client.destroy());

  it('reads an instance history with the tags of its launch', async () => {
    await store.putRecords(recordsOf('events/runinstances-iamuser-cli.json'), META);
    await store.putRecords(recordsOf('events/stopinstances-assumedrole-sourceidentity.json'), META);
    const history = await store.history('i-0a1b2c3d4e5f60001');
    expect([...history].sort((a, b) => String(a.eventTime).localeCompare(String(b.eventTime)))).toEqual([
      {
        action: 'launch',
        outcome: 'success',
        eventTime: '2026-03-02T09:15:04Z',
        actorName: 'alice',
        tags: { Name: 'web-1', Owner: 'alice', CostCenter: 'cc-1234', Environment: 'staging' },
      },
      {
        action: 'stop',
        outcome: 'success',
        eventTime: '2026-03-06T18:00:00Z',
        actorName: 'maria.garcia',
        tags: null,
      },
    ]);
  });

  it("counts a caller's launched instances in a window, leaving out one event", async () => {
    await store.putRecords(launchAt(10, 'w-1'), META);
    await store.putRecords(launchAt(40, 'w-2'), META);
    await store.putRecords(launchAt(59, 'w-3'), META);
    const alice = { arn: 'arn:aws:iam::111122223333:user/alice', name: 'alice' };
    const from = Date.parse('2026-03-02T09:00:00Z');
    const to = Date.parse('2026-03-02T09:59:00Z');
    // 2 instances each at :10, :15 (the fixture itself), :40 and :59.
    expect(await store.countLaunches(alice, from, to, 'none')).toBe(8);
    expect(await store.countLaunches(alice, from, to, 'w-3')).toBe(6);
    expect(await store.countLaunches(alice, Date.parse('2026-03-02T09:30:00Z'), to, 'none')).toBe(4);
    expect(await store.countLaunches({ arn: null, name: 'alice' }, from, to, 'none')).toBe(8);
  });
});
