/**
 * What every LineageStore promises, checked on the memory store and on DynamoDB Local: a link
 * from a later cause is never replaced by one from an earlier cause, nor by none.
 */
import { DynamoDbAttributionStore } from '../../lambda/adapters/dynamodb-attribution-store';
import { DynamoDbLineageStore } from '../../lambda/adapters/dynamodb-lineage-store';
import { MemoryLineageStore } from '../../lambda/adapters/memory-lineage-store';
import { attribute } from '../../lambda/domain';
import type { LineageStore, RowKey, SavedLink } from '../../lambda/ports';
import { keyOf } from '../../lambda/schema/attribution-table';
import { documentClient, dynamoClient, freshTable } from '../helpers/services';
import { eventsOf, scenarioFiles } from '../lineage/fixture-trails';

const client = dynamoClient();
const documents = documentClient(client);
afterAll(() => client.destroy());

function link(sort: string | null, name: string | null): SavedLink {
  return {
    via: {
      service: 'autoscaling.amazonaws.com',
      resourceType: 'auto-scaling-group',
      resourceId: 'legacy-asg',
    },
    initiator: name
      ? {
          arn: null,
          name,
          kind: 'person',
          quotaSubject: `name:${name}`,
          viaConsole: null,
          mfaAuthenticated: null,
          mfaKnown: null,
          verified: null,
          eventId: name,
          eventName: 'SetDesiredCapacity',
          eventTime: null,
          resourceType: null,
          resourceId: null,
        }
      : null,
    initiatorReason: name ? `${name} did it` : 'nobody',
    actsFor: [],
    linkSort: sort,
  };
}

/** A stored row to link: the `outside` trail's launch, written through the real store. */
async function storedRow(
  store: 'memory' | 'dynamodb',
): Promise<{ lineage: LineageStore; row: RowKey; read: () => Promise<string | null> }> {
  const [event] = eventsOf(scenarioFiles('outside'));
  const result = attribute(event);
  if (result.kind !== 'records' || !result.records[0]) throw new Error('fixture not attributed');
  const record = result.records[0];
  const key = keyOf(record);
  const row = { instanceId: key.instanceId ?? '', eventTimeId: key.eventTimeId ?? '' };
  if (store === 'memory') {
    const lineage = new MemoryLineageStore();
    return {
      lineage,
      row,
      read: async () => lineage.links.get(`${row.instanceId}|${row.eventTimeId}`)?.initiator?.name ?? null,
    };
  }
  const table = await freshTable(client, 'lineage-contract');
  await new DynamoDbAttributionStore(documents, table).putRecords([record], {
    ingestedBy: 'live',
    now: new Date(),
  });
  const lineage = new DynamoDbLineageStore(documents, table);
  return {
    lineage,
    row,
    read: async () => {
      const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
      const item = await documents.send(new GetCommand({ TableName: table, Key: row, ConsistentRead: true }));
      return (item.Item?.initiator as { name?: string } | null)?.name ?? null;
    },
  };
}

describe.each(['memory', 'dynamodb'] as const)('the %s lineage store', (kind) => {
  it('keeps the link from the later cause whatever order the links are written in', async () => {
    const { lineage, row, read } = await storedRow(kind);
    expect(await lineage.saveLink(row, link('2026-03-02T12:00:00.000Z#b', 'bob'))).toBe(true);
    expect(await lineage.saveLink(row, link('2026-03-02T10:00:00.000Z#a', 'alice'))).toBe(false);
    expect(await lineage.saveLink(row, link(null, null))).toBe(false);
    expect(await read()).toBe('bob');
    // The same cause again (a redelivery, or a chain learnt later) may rewrite it.
    expect(await lineage.saveLink(row, link('2026-03-02T12:00:00.000Z#b', 'bob'))).toBe(true);
    expect(await lineage.saveLink(row, link('2026-03-02T13:00:00.000Z#c', 'carol'))).toBe(true);
    expect(await read()).toBe('carol');
  }, 30_000);
});

describe('the DynamoDB lineage store', () => {
  it('never creates a row by linking one that does not exist', async () => {
    const table = await freshTable(client, 'lineage-contract');
    const lineage = new DynamoDbLineageStore(documents, table);
    const row = { instanceId: 'i-0123456789abcdef0', eventTimeId: '2026-03-02T10:00:00.000Z#missing' };
    expect(await lineage.saveLink(row, link('2026-03-02T09:00:00.000Z#a', 'alice'))).toBe(false);
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    expect((await documents.send(new GetCommand({ TableName: table, Key: row }))).Item).toBeUndefined();
  });
});
