/**
 * Replay when the store goes away mid-way: every record that was not written is reported by
 * file, and a second run completes the table with nothing lost and nothing doubled.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readInputs } from '../../cli/inputs';
import {
  type DynamoDbLocal,
  ensureTable,
  localClient,
  startDynamoDbLocal,
} from '../../cli/local/dynamodb-local';
import { Replayer } from '../../cli/replay/replayer';
import { DynamoDbBatchImporter } from '../../lambda/adapters/dynamodb-batch-importer';
import { writeSyntheticTrail } from '../../support/synthetic-trail';

const TABLE = 'interrupted';

async function countRows(endpoint: string): Promise<{ rows: number; distinct: number }> {
  const client = localClient(endpoint);
  const keys = new Set<string>();
  let rows = 0;
  let ExclusiveStartKey: Record<string, never> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: TABLE,
        ExclusiveStartKey,
        ProjectionExpression: 'instanceId, eventTimeId',
      }),
    );
    for (const item of page.Items ?? []) {
      rows++;
      keys.add(`${item.instanceId?.S}|${item.eventTimeId?.S}`);
    }
    ExclusiveStartKey = page.LastEvaluatedKey as typeof ExclusiveStartKey;
  } while (ExclusiveStartKey);
  client.destroy();
  return { rows, distinct: keys.size };
}

describe('an interrupted replay', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ec2trail-interrupt-db-'));
  const trail = mkdtempSync(join(tmpdir(), 'ec2trail-interrupt-trail-'));
  let expectedRecords: number;
  let local: DynamoDbLocal;

  beforeAll(async () => {
    // Enough that the store dies a quarter of the way in: every failing write waits out its retries.
    expectedRecords = writeSyntheticTrail(trail, { files: 10, eventsPerFile: 50, seed: 7 }).records;
    local = await startDynamoDbLocal({ dataDir });
    const client = localClient(local.endpoint);
    await ensureTable(client, TABLE);
    client.destroy();
  }, 90_000);
  afterAll(() => local.stop());

  it('reports what was not written, and a second run completes it exactly', async () => {
    const client = localClient(local.endpoint);
    let writes = 0;
    // Stop DynamoDB Local for real once 120 conditional row writes have gone out.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutItemCommand' && ++writes === 120) await local.stop();
        return next(args);
      },
      { step: 'initialize', name: 'stopStoreMidway' },
    );
    const documents = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    const first = new Replayer({
      importer: new DynamoDbBatchImporter(documents, TABLE, { maxAttempts: 2, backoffMs: () => 10 }),
      ingestedBy: 'replay',
      now: () => new Date(),
      concurrency: 1,
    });
    await first.run(readInputs([trail]));
    client.destroy();
    expect(first.tally.records).toBe(expectedRecords);
    expect(first.tally.unwritten).toBeGreaterThan(0);
    expect(first.tally.duplicates).toBe(0);
    expect(first.tally.written + first.tally.unwritten).toBe(expectedRecords);
    const reported = [...first.unwritten.values()].reduce((n, u) => n + u.count, 0);
    expect(reported).toBe(first.tally.unwritten);
    expect([...first.unwritten.keys()].every((origin) => origin.startsWith(trail))).toBe(true);

    // The store comes back with the rows it had; the same replay again completes the table.
    local = await startDynamoDbLocal({ dataDir, port: local.port });
    const written = await countRows(local.endpoint);
    // Every write replay counted is there; a write in flight when the store died lost its answer
    // but may have landed, so at most the unwritten ones come on top, and none twice.
    expect(written.rows).toBe(written.distinct);
    expect(written.rows).toBeGreaterThanOrEqual(first.tally.written);
    expect(written.rows).toBeLessThanOrEqual(first.tally.written + first.tally.unwritten);
    const again = localClient(local.endpoint);
    const second = new Replayer({
      importer: new DynamoDbBatchImporter(
        DynamoDBDocumentClient.from(again, { marshallOptions: { removeUndefinedValues: true } }),
        TABLE,
      ),
      ingestedBy: 'replay',
      now: () => new Date(),
    });
    await second.run(readInputs([trail]));
    again.destroy();
    expect(second.tally.unwritten).toBe(0);
    expect(second.tally.written).toBe(expectedRecords - written.rows);
    expect(second.tally.duplicates).toBe(written.rows);
    expect(await countRows(local.endpoint)).toEqual({ rows: expectedRecords, distinct: expectedRecords });
  }, 120_000);
});
