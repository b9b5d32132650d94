/** One contract for every store the policy reads: the in-memory one (`inspect`, tests) and DynamoDB's. */

import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAttributionStore } from '../../lambda/adapters/dynamodb-attribution-store';
import { MemoryAttributionStore } from '../../lambda/adapters/memory-attribution-store';
import type { AttributionStore, LaunchCount, PolicyLookups } from '../../lambda/ports';
import { recordsOf } from '../helpers/fixtures';
import { documentClient, dynamoClient, freshTable } from '../helpers/services';

const META = { ingestedBy: 'live' as const, now: new Date('2026-03-15T00:00:00Z') };
const AT = Date.parse('2026-03-02T09:15:30Z');
const MINUTE = 60_000;

function launch(eventKey: string, minutes: number, instances: number, subject = 'person:alice'): LaunchCount {
  return { subject, atMs: AT + minutes * MINUTE, eventKey, instances, expiresAt: 1_900_000_000 };
}

const client = dynamoClient();
afterAll(() => client.destroy());

const adapters: [string, () => Promise<AttributionStore & PolicyLookups>][] = [
  ['in memory', async () => new MemoryAttributionStore()],
  [
    'DynamoDB Local',
    async () => new DynamoDbAttributionStore(documentClient(client), await freshTable(client, 'lookups')),
  ],
];

describe.each(adapters)('policy lookups contract (%s)', (_name, make) => {
  let store: AttributionStore & PolicyLookups;
  beforeEach(async () => {
    store = await make();
  });

  it('reads an instance history with the tags of its launch and the record of its stop', async () => {
    await store.putRecords(recordsOf('events/runinstances-iamuser-cli.json'), META);
    const stop = recordsOf('events/stopinstances-assumedrole-sourceidentity.json');
    await store.putRecords(stop, META);
    const history = [...(await store.history('i-0a1b2c3d4e5f60001'))].sort((a, b) =>
      String(a.eventTime).localeCompare(String(b.eventTime)),
    );
    expect(history.map(({ record: _r, ...entry }) => entry)).toEqual([
      {
        eventKey: '11111111-aaaa-4bbb-8ccc-000000000001',
        action: 'launch',
        outcome: 'success',
        eventTime: '2026-03-02T09:15:04Z',
        actorName: 'alice',
        tags: { Name: 'web-1', Owner: 'alice', CostCenter: 'cc-1234', Environment: 'staging' },
      },
      {
        eventKey: stop[0]?.eventKey,
        action: 'stop',
        outcome: 'success',
        eventTime: '2026-03-06T18:00:00Z',
        actorName: 'maria.garcia',
        tags: null,
      },
    ]);
    expect(history[0]?.record).toBeNull();
    // The stop comes back as the record it was, so an alert can be rendered about it.
    expect(history[1]?.record).toEqual(stop.find((r) => r.instanceId === 'i-0a1b2c3d4e5f60001'));
  });

  it('has no history for an instance it never saw', async () => {
    expect(await store.history('i-0000000000000dead')).toEqual([]);
  });

  it('counts launches per subject and minute, once per event however often it is counted', async () => {
    await store.countLaunch(launch('e-1', 0, 2));
    await store.countLaunch(launch('e-1', 0, 2));
    await store.countLaunch(launch('e-2', 0, 3));
    await store.countLaunch(launch('e-3', 5, 4));
    await store.countLaunch(launch('e-4', 5, 7, 'person:bob'));
    const counts = await store.launchCounts('person:alice', AT - 10 * MINUTE, AT + 10 * MINUTE);
    const minute = Math.floor(AT / MINUTE) * MINUTE;
    expect([...counts].sort((a, b) => a.minuteMs - b.minuteMs)).toEqual([
      { minuteMs: minute, launches: 5 },
      { minuteMs: minute + 5 * MINUTE, launches: 4 },
    ]);
  });

  it('reads only the minutes asked for, both ends included', async () => {
    await store.countLaunch(launch('e-1', 0, 1));
    await store.countLaunch(launch('e-2', 3, 1));
    await store.countLaunch(launch('e-3', 6, 1));
    const minute = Math.floor(AT / MINUTE) * MINUTE;
    const counts = await store.launchCounts('person:alice', minute, minute + 3 * MINUTE);
    expect(counts.map((c) => c.minuteMs).sort()).toEqual([minute, minute + 3 * MINUTE]);
  });

  it('counts concurrent launches of one subject exactly', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.countLaunch(launch(`c-${i}`, 0, 3))));
    const counts = await store.launchCounts('person:alice', AT, AT);
    expect(counts.map((c) => c.launches)).toEqual([30]);
  });

  it('answers with one item per minute, however many launches the window holds', async () => {
    // 3,000 launches in 60 minutes: the read returns 60 counts, not 3,000 rows.
    await Promise.all(
      Array.from({ length: 3_000 }, (_, i) => store.countLaunch(launch(`many-${i}`, i % 60, 1))),
    );
    const counts = await store.launchCounts('person:alice', AT, AT + 59 * MINUTE);
    expect(counts).toHaveLength(60);
    expect(counts.reduce((n, c) => n + c.launches, 0)).toBe(3_000);
  }, 120_000);
});

describe('launch counts in DynamoDB', () => {
  const documents = documentClient(client);
  let table: string;
  let store: DynamoDbAttributionStore;
  beforeEach(async () => {
    table = await freshTable(client, 'counts');
    store = new DynamoDbAttributionStore(documents, table);
  });

  const minuteKey = {
    instanceId: 'quota#person:alice',
    eventTimeId: `m#${new Date(Math.floor(AT / MINUTE) * MINUTE).toISOString()}`,
  };

  it('counts a launch with one update and keeps the counted keys on the minute itself', async () => {
    await store.countLaunch(launch('e-1', 0, 2));
    await store.countLaunch(launch('e-2', 0, 1));
    const minute = await documents.send(new GetCommand({ TableName: table, Key: minuteKey }));
    expect(minute.Item).toMatchObject({ launches: 3, counted: new Set(['e-1', 'e-2']) });
    // No marker items: the minute is the only item of the subject.
    const all = await documents.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'instanceId = :pk',
        ExpressionAttributeValues: { ':pk': 'quota#person:alice' },
      }),
    );
    expect(all.Items).toHaveLength(1);
  });

  it('counts the events of a busy minute past the set with markers, each once', async () => {
    // 30 launch calls in one minute, each delivered twice: the set takes 20, markers the other 10.
    for (let i = 0; i < 30; i++) await store.countLaunch(launch(`busy-${i}`, 0, 1));
    for (let i = 0; i < 30; i++) await store.countLaunch(launch(`busy-${i}`, 0, 1));
    const minute = await documents.send(new GetCommand({ TableName: table, Key: minuteKey }));
    expect(minute.Item?.launches).toBe(30);
    expect((minute.Item?.counted as Set<string> | undefined)?.size).toBe(20);
    const markers = await documents.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'instanceId = :pk AND begins_with(eventTimeId, :e)',
        ExpressionAttributeValues: { ':pk': 'quota#person:alice', ':e': 'e#' },
      }),
    );
    expect(markers.Items).toHaveLength(10);
  });

  it('goes on counting a minute counted before the counted set, without counting an event twice', async () => {
    // A minute as the transaction of earlier versions left it: the count, and one marker per event.
    await documents.send(new PutCommand({ TableName: table, Item: { ...minuteKey, launches: 2 } }));
    await documents.send(
      new PutCommand({
        TableName: table,
        Item: { instanceId: 'quota#person:alice', eventTimeId: 'e#old-1' },
      }),
    );
    await store.countLaunch(launch('old-1', 0, 2)); // a redelivery of the event counted before
    await store.countLaunch(launch('new-1', 0, 4));
    await store.countLaunch(launch('new-1', 0, 4)); // and of one counted now
    expect(await store.launchCounts('person:alice', AT, AT)).toEqual([
      { minuteMs: Math.floor(AT / MINUTE) * MINUTE, launches: 6 },
    ]);
  });
});
