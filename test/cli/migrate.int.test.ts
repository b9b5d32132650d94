/**
 * `ec2trail migrate` on a table written by earlier versions: test/fixtures/legacy-table, rows
 * written before index sharding and frozen, on a table at step 2 of a move (the four legacy
 * indexes and the two new ones). Expected counts are read off that file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatchWriteCommand, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { indexKeyChange } from '../../cli/migrate/index-keys';
import { migrateIndexKeys } from '../../cli/migrate/migration';
import { DynamoDbAttributionQueries } from '../../lambda/adapters/dynamodb-attribution-queries';
import { LAYOUT_MOVED_KEY } from '../../lambda/schema/attribution-table';
import { ROOT, runCli } from '../helpers/cli';
import { documentClient, dynamoClient, dynamoEndpoint, freshTable } from '../helpers/services';

type Item = Record<string, unknown>;
const LEGACY: Item[] = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/legacy-table/rows.json'), 'utf8'));
/** Attribution rows of the fixture: the ones with an event day (23 of its 33 items). */
const ROWS = LEGACY.filter((item) => 'eventDay' in item);
const SHARDED = /#\d\d$/;

describe('migrating a table written before index sharding', () => {
  const client = dynamoClient();
  const documents = documentClient(client);
  afterAll(() => client.destroy());

  async function legacyTable(): Promise<string> {
    const table = await freshTable(client, 'legacy', 2);
    for (let i = 0; i < LEGACY.length; i += 25) {
      const chunk = LEGACY.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      await documents.send(new BatchWriteCommand({ RequestItems: { [table]: chunk } }));
    }
    return table;
  }

  async function scan(table: string): Promise<Item[]> {
    const items: Item[] = [];
    let ExclusiveStartKey: Item | undefined;
    do {
      const page = await documents.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items.sort((a, b) =>
      `${a.instanceId}|${a.eventTimeId}`.localeCompare(`${b.instanceId}|${b.eventTimeId}`),
    );
  }

  async function answers(table: string) {
    const queries = new DynamoDbAttributionQueries(documents, table);
    const keys = async (rows: AsyncIterable<{ instanceId: string | null; eventTimeId: string }>) => {
      const out: string[] = [];
      const times: string[] = [];
      for await (const row of rows) {
        out.push(`${row.instanceId} ${row.eventTimeId}`);
        times.push(row.eventTimeId);
      }
      // Newest first; rows of one event share a time, and their order is not defined.
      expect(times).toEqual([...times].sort().reverse());
      return out.sort();
    };
    return {
      alice: await keys(queries.byPerson('alice')),
      aliceByArn: await keys(queries.byPerson('arn:aws:iam::111122223333:user/alice')),
      bob: await keys(queries.byPerson('bob')),
      autoScaling: await keys(queries.byPerson('autoscaling.amazonaws.com')),
      march: await keys(
        queries.recent({ fromMs: Date.UTC(2026, 2, 1), toMs: Date.UTC(2026, 2, 31, 23, 59, 59) }),
      ),
    };
  }

  it('reads the old layout before the migration, and gives the same answers after it', async () => {
    const table = await legacyTable();
    const before = await answers(table);
    // Counted in the fixture: alice has 2 rows; bob 4 of his own and 2 Auto Scaling made for
    // him; Auto Scaling 2 with no person behind them; 23 rows in March.
    expect(before.alice).toHaveLength(ROWS.filter((r) => (r.actor as Item).name === 'alice').length);
    expect(before.alice).toHaveLength(2);
    expect(before.aliceByArn).toEqual(before.alice);
    expect(before.bob).toHaveLength(6);
    expect(before.autoScaling).toHaveLength(2);
    expect(before.march).toHaveLength(23);

    const tally = await migrateIndexKeys({ documents, tableName: table });
    expect(tally).toMatchObject({ scanned: LEGACY.length, moved: ROWS.length, raced: 0, done: true });
    expect(
      (await documents.send(new GetCommand({ TableName: table, Key: LAYOUT_MOVED_KEY }))).Item,
    ).toBeDefined();

    const after = (await scan(table)).filter((item) => item.instanceId !== LAYOUT_MOVED_KEY.instanceId);
    for (const item of after) {
      if (!('eventDay' in item)) continue;
      expect(item.date).toMatch(SHARDED);
      expect(String(item.date).slice(0, 10)).toBe(String(item.eventTimeId).slice(0, 10));
    }
    // bob's own rows and the ones Auto Scaling made for him are under his key, whole.
    expect(after.filter((item) => item.person === 'bob')).toHaveLength(6);
    // Everything but the new keys is untouched, the old keys and bookkeeping items included.
    const strip = (item: Item) => {
      const { person, date, ...rest } = item;
      return rest;
    };
    expect(after.map(strip)).toEqual((await legacyItemsSorted()).map(strip));
    // Now from the new indexes alone (the readers leave the legacy ones alone): the same answers.
    expect(await answers(table)).toEqual(before);
  });

  async function legacyItemsSorted(): Promise<Item[]> {
    return [...LEGACY].sort((a, b) =>
      `${a.instanceId}|${a.eventTimeId}`.localeCompare(`${b.instanceId}|${b.eventTimeId}`),
    );
  }

  it('changes nothing the second time, and counts without changing in a dry run', async () => {
    const table = await legacyTable();
    expect((await migrateIndexKeys({ documents, tableName: table, dryRun: true })).moved).toBe(ROWS.length);
    const untouched = await scan(table);
    expect(untouched.filter((i) => 'date' in i || 'person' in i)).toEqual([]);
    expect((await migrateIndexKeys({ documents, tableName: table, segments: 3 })).moved).toBe(ROWS.length);
    const once = await scan(table);
    expect((await migrateIndexKeys({ documents, tableName: table })).moved).toBe(0);
    expect(await scan(table)).toEqual(once);
  });

  it('lets two writers race on the same rows: each row moves once, the loser re-reads and stands down', async () => {
    const table = await legacyTable();
    // Every row contested: no update is sent until both migrations have scanned the whole table
    // (one page each). Left to chance, one may finish a row before the other even reads it.
    let scans = 0;
    let bothScanned: () => void = () => {};
    const scanned = new Promise<void>((resolve) => {
      bothScanned = resolve;
    });
    const gated = Object.create(documents) as typeof documents;
    gated.send = (async (command: object) => {
      if (command instanceof UpdateCommand) await scanned;
      const result = await documents.send(command as ScanCommand);
      if (command instanceof ScanCommand && ++scans === 2) bothScanned();
      return result;
    }) as typeof documents.send;
    const [a, b] = await Promise.all([
      migrateIndexKeys({ documents: gated, tableName: table, segments: 1 }),
      migrateIndexKeys({ documents: gated, tableName: table, segments: 1 }),
    ]);
    expect(scans).toBe(2);
    expect(a.moved + b.moved).toBe(ROWS.length);
    expect(a.raced + b.raced).toBe(ROWS.length);
    for (const item of await scan(table)) if ('eventDay' in item) expect(item.date).toMatch(SHARDED);
  });

  it('runs from the command line and says what it did', async () => {
    const table = await legacyTable();
    const args = ['migrate', '--endpoint-url', dynamoEndpoint(), '--table', table];
    const first = runCli(args);
    expect(first.stderr).toContain(
      `scanned ${LEGACY.length} items, moved ${ROWS.length} rows to the byPerson and byDate keys`,
    );
    expect(first.stderr).toContain('Every row is moved');
    expect(first.status).toBe(0);
    const second = runCli(args);
    expect(second.stderr).toContain('moved 0 rows to the byPerson and byDate keys (nothing left to move)');
    expect(second.status).toBe(0);
    expect(runCli(['migrate', '--segments', 'many']).stderr).toContain(
      '--segments "many" is not a whole number',
    );
  });

  it("takes a row's keys from its record, not from the old key text", () => {
    // A caller whose name ends like a shard suffix keeps it whole.
    const change = indexKeyChange({
      instanceId: 'i-0123',
      eventTimeId: '2026-03-02T00:00:00.000Z#k',
      eventName: 'StopInstances',
      actor: { arn: null, name: 'team#07' },
      actorName: 'team#07',
      eventDay: '2026-03-02',
    });
    expect(change?.sets.person).toBe('team#07');
    expect(change?.sets.date).toMatch(/^2026-03-02#\d\d$/);
    // Not for bookkeeping, nor for a row this version wrote (no eventDay), nor for one moved already.
    expect(
      indexKeyChange({ instanceId: 'alert#k', eventTimeId: 'alert', eventName: 'X', eventDay: 'x' }),
    ).toBeNull();
    expect(
      indexKeyChange({ instanceId: 'i-0123', eventTimeId: 't#k', eventName: 'X', person: 'a' }),
    ).toBeNull();
    expect(
      indexKeyChange({
        instanceId: 'i-0123',
        eventTimeId: 't#k',
        eventName: 'X',
        eventDay: 'd',
        date: 'd#01',
      }),
    ).toBeNull();
  });
});
