/**
 * One instance's rows in a time window: the window is a range of the table's sort key, so a
 * query with one is accepted by DynamoDB (a filter on a key attribute is refused) and reads only
 * the rows inside it. Three rows by construction: the launch on 2 March, starts on 3 and 4 March.
 */

import { Replayer } from '../../cli/replay/replayer';
import { DynamoDbAttributionQueries } from '../../lambda/adapters/dynamodb-attribution-queries';
import { DynamoDbBatchImporter } from '../../lambda/adapters/dynamodb-batch-importer';
import type { StoredRow } from '../../lambda/schema/stored-row';
import { loadJson } from '../helpers/fixtures';
import { documentClient, dynamoClient, freshTable } from '../helpers/services';

const ID = 'i-0a1b2c3d4e5f60001';

async function all(rows: AsyncIterable<StoredRow>): Promise<string[]> {
  const out: string[] = [];
  for await (const row of rows) out.push(`${row.action} ${row.eventTime}`);
  return out;
}

describe("an instance's rows in a window", () => {
  const client = dynamoClient();
  let queries: DynamoDbAttributionQueries;

  beforeAll(async () => {
    const table = await freshTable(client, 'window');
    const start = loadJson('events/startinstances-samluser.json') as Record<string, unknown>;
    const records = [
      loadJson('events/runinstances-iamuser-cli.json'),
      { ...start, eventTime: '2026-03-03T10:00:00Z', eventID: 'window-start-1' },
      { ...start, eventTime: '2026-03-04T10:00:00Z', eventID: 'window-start-2' },
    ];
    await new Replayer({
      importer: new DynamoDbBatchImporter(documentClient(client), table),
      ingestedBy: 'replay',
      now: () => new Date(),
    }).run(
      (async function* () {
        yield {
          origin: 'test',
          items: records.map((value, i) => ({ kind: 'json' as const, origin: `${i}`, value })),
        };
      })(),
    );
    queries = new DynamoDbAttributionQueries(documentClient(client), table);
  }, 60_000);

  it('reads every row newest first without a window, and only the window with one', async () => {
    expect(await all(queries.lifecycle(ID))).toEqual([
      'start 2026-03-04T10:00:00Z',
      'start 2026-03-03T10:00:00Z',
      'launch 2026-03-02T09:15:04Z',
    ]);
    expect(await all(queries.lifecycle(ID, { fromMs: Date.parse('2026-03-03T00:00:00Z') }))).toEqual([
      'start 2026-03-04T10:00:00Z',
      'start 2026-03-03T10:00:00Z',
    ]);
    expect(await all(queries.lifecycle(ID, { toMs: Date.parse('2026-03-03T10:00:00Z') }))).toEqual([
      'start 2026-03-03T10:00:00Z',
      'launch 2026-03-02T09:15:04Z',
    ]);
    expect(
      await all(
        queries.lifecycle(ID, {
          fromMs: Date.parse('2026-03-03T00:00:00Z'),
          toMs: Date.parse('2026-03-03T23:59:59Z'),
          action: 'start',
        }),
      ),
    ).toEqual(['start 2026-03-03T10:00:00Z']);
  });
});
