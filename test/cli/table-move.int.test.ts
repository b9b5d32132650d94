/**
 * Moving a deployed table to the lean layout, step by step as docs/table-move.md says, on
 * DynamoDB Local: rows in the layout earlier versions wrote (whole rows, four indexes of whole
 * rows, sharded keys), a migration interrupted and resumed, the live function writing new events
 * in between, the new index added while rows are being moved, and the legacy indexes removed one
 * by one. At every step the readers give every row exactly once, and no row is lost or altered.
 */

import {
  type CreateGlobalSecondaryIndexAction,
  DescribeTableCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { migrateIndexKeys } from '../../cli/migrate/migration';
import { DynamoDbAttributionQueries } from '../../lambda/adapters/dynamodb-attribution-queries';
import { DynamoDbAttributionStore } from '../../lambda/adapters/dynamodb-attribution-store';
import { type AttributionRecord, attribute } from '../../lambda/domain';
import { ATTRIBUTION_TABLE, LAYOUT_MOVED_KEY, LEGACY_INDEXES } from '../../lambda/schema/attribution-table';
import { restoreRow } from '../../lambda/schema/row-codec';
import { legacyItem } from '../../support/legacy-row';
import { syntheticEvents } from '../../support/synthetic-trail';
import { documentClient, dynamoClient, freshTable } from '../helpers/services';

type Item = Record<string, unknown>;
const META = { ingestedBy: 'live' as const, now: new Date('2026-01-02T00:00:00Z') };
// The synthetic events are one second apart from 2026-01-01T00:00:00Z: all on one day.
const WINDOW = { fromMs: Date.UTC(2026, 0, 1), toMs: Date.UTC(2026, 0, 1, 23, 59, 59) };

function eventsOf(count: number, seed: number): AttributionRecord[][] {
  const events: AttributionRecord[][] = [];
  for (const event of syntheticEvents(count, seed)) {
    const result = attribute(JSON.parse(event.text));
    if (result.kind === 'records') events.push([...result.records]);
  }
  return events;
}

/** The name each record is asked for by (README: "A person's history"), or null for a call with neither name nor ARN. */
function askedAs(record: AttributionRecord): string | null {
  const person =
    record.via !== null && !record.lineage.byPerson
      ? (record.initiator?.name ?? record.initiator?.arn)
      : null;
  return person ?? record.actor.name ?? record.actor.arn ?? record.via?.service ?? null;
}

const keyOfRow = (row: { instanceId: string | null; eventTimeId: string }) =>
  `${row.instanceId ?? ''} ${row.eventTimeId}`;

describe('moving a table in the layout of earlier versions', () => {
  const client = dynamoClient();

  /** Waits as a deploy does: CloudFormation finishes an update when the table and its indexes are active. */
  async function activeIndexes(table: string): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt++) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
      const busy =
        Table?.TableStatus !== 'ACTIVE' ||
        (Table.GlobalSecondaryIndexes ?? []).some((i) => i.IndexStatus !== 'ACTIVE' || i.Backfilling);
      if (!busy) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${table} did not become active`);
  }
  const documents = documentClient(client);
  afterAll(() => client.destroy());

  it('answers every row exactly once at every step, and loses or alters none', async () => {
    // Step 1 of the move: the four legacy indexes and byPerson.
    const table = await freshTable(client, 'move', 1);
    const old = eventsOf(90, 31).flat();
    const oldItems = old.map((record) => legacyItem(record, META));
    for (let i = 0; i < oldItems.length; i += 25) {
      const chunk = oldItems.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      await documents.send(new BatchWriteCommand({ RequestItems: { [table]: chunk } }));
    }
    const written: AttributionRecord[] = [...old];

    /** What the readers say, checked against what was written: each row once, under its person. */
    async function expectEveryRowOnce(step: string): Promise<void> {
      const queries = new DynamoDbAttributionQueries(documents, table);
      const expected = written.map(shownKey).sort();
      const day: string[] = [];
      for await (const row of queries.recent(WINDOW)) day.push(keyOfRow(row));
      expect({ step, rows: day.sort() }).toEqual({ step, rows: expected });
      const names = new Set(written.map(askedAs).filter((name): name is string => name !== null));
      for (const name of names) {
        const rows: string[] = [];
        for await (const row of queries.byPerson(name, WINDOW)) rows.push(keyOfRow(row));
        const mine = written.filter((record) => askedAs(record) === name).map(shownKey);
        expect({ step, name, rows: rows.sort() }).toEqual({ step, name, rows: mine.sort() });
      }
    }
    await expectEveryRowOnce('step 1, nothing moved');

    // A migration that stops after 40 rows (a crash, a closed laptop).
    let updates = 0;
    const failing = Object.create(documents) as typeof documents;
    failing.send = (async (command: object) => {
      if (command instanceof UpdateCommand && ++updates > 40) throw new Error('interrupted');
      return documents.send(command as ScanCommand);
    }) as typeof documents.send;
    await expect(migrateIndexKeys({ documents: failing, tableName: table, segments: 2 })).rejects.toThrow(
      'interrupted',
    );
    await expectEveryRowOnce('step 1, interrupted');

    // The live function goes on writing: at steps 1 and 2 its rows carry the legacy keys too.
    const store = new DynamoDbAttributionStore(documents, table, { legacyKeys: true });
    for (const event of eventsOf(30, 32)) {
      await store.putRecords(event, META);
      written.push(...event);
    }
    await expectEveryRowOnce('step 1, live writes');

    // Resumed at step 1: every row moves, but byDate is not there yet, so the move is not done.
    const resumed = await migrateIndexKeys({ documents, tableName: table });
    expect(resumed).toMatchObject({ done: false, waitingFor: ['byDate'] });
    expect(resumed.moved).toBeGreaterThan(0);
    await expectEveryRowOnce('step 1, rows moved');

    // Step 2: byDate is added (DynamoDB fills it from the rows that have its keys).
    const { byDate } = ATTRIBUTION_TABLE.indexes;
    const create: CreateGlobalSecondaryIndexAction = {
      IndexName: byDate.name,
      KeySchema: [
        { AttributeName: byDate.partitionKey, KeyType: 'HASH' },
        { AttributeName: byDate.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...byDate.include] },
    };
    await client.send(
      new UpdateTableCommand({
        TableName: table,
        AttributeDefinitions: [
          { AttributeName: byDate.partitionKey, AttributeType: 'S' },
          { AttributeName: byDate.sortKey, AttributeType: 'S' },
        ],
        GlobalSecondaryIndexUpdates: [{ Create: create }],
      }),
    );
    await activeIndexes(table);
    await expectEveryRowOnce('step 2');
    const finished = await migrateIndexKeys({ documents, tableName: table });
    expect(finished).toMatchObject({ moved: 0, done: true, waitingFor: [] });
    await expectEveryRowOnce('step 2, done');

    // Steps 3 to 6: the legacy indexes go, one per deploy.
    for (const name of ['byActorArn', 'byActorName', 'byInitiatorName', 'byDay'] as const) {
      await client.send(
        new UpdateTableCommand({
          TableName: table,
          GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: LEGACY_INDEXES[name].name } }],
        }),
      );
      await activeIndexes(table);
      await expectEveryRowOnce(`without ${name}`);
    }
    const described = await client.send(new DescribeTableCommand({ TableName: table }));
    expect(described.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual([
      'byDate',
      'byPerson',
    ]);

    // Every row is there once, and nothing but the new keys changed on the old ones.
    const items: Item[] = [];
    let ExclusiveStartKey: Item | undefined;
    do {
      const page = await documents.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    const rows = items.filter((item) => typeof item.eventKey === 'string');
    expect(rows).toHaveLength(written.length);
    expect(items.some((item) => item.instanceId === LAYOUT_MOVED_KEY.instanceId)).toBe(true);
    const byKey = new Map(rows.map((item) => [keyOfRow(item as never), item]));
    for (const item of oldItems) {
      const { person: _p, date: _d, ...stored } = byKey.get(keyOfRow(item as never)) ?? {};
      expect(stored).toEqual(item);
    }
    for (const record of written.slice(old.length))
      expect(restoreRow(byKey.get(keyOfRow(keyOf(record))) ?? {})).toMatchObject({
        eventKey: record.eventKey,
        ingestedBy: 'live',
      });
  }, 240_000);
});

/** A record's row as readers show it: no instance id for a call that touched none. */
function shownKey(record: AttributionRecord): string {
  return keyOfRow({ instanceId: record.instanceId, eventTimeId: keyOf(record).eventTimeId });
}

function keyOf(record: AttributionRecord): { instanceId: string; eventTimeId: string } {
  const item = legacyItem(record, META);
  return { instanceId: String(item.instanceId), eventTimeId: String(item.eventTimeId) };
}
