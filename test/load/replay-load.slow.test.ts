/**
 * Load: at least 100,000 events with 10% duplicates, replayed by the real CLI into DynamoDB
 * Local; the table must then hold exactly the expected rows. The figures go to
 * .test-results/load.json. Size with EC2TRAIL_LOAD_EVENTS.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { writeSyntheticTrail } from '../../support/synthetic-trail';
import { ROOT, runCli } from '../helpers/cli';
import { dynamoClient, dynamoEndpoint, freshTable } from '../helpers/services';

const EVENTS = Number(process.env.EC2TRAIL_LOAD_EVENTS ?? 100_000);
const PER_FILE = 250;

async function countRows(table: string): Promise<number> {
  const client = dynamoClient();
  const segments = 4;
  const counts = await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let count = 0;
      let ExclusiveStartKey: Record<string, never> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: table,
            Select: 'COUNT',
            // Attribution rows only: not the causes and effect pointers kept under res# partitions.
            FilterExpression: 'NOT begins_with(instanceId, :lineage)',
            ExpressionAttributeValues: { ':lineage': { S: 'res#' } },
            Segment: segment,
            TotalSegments: segments,
            ExclusiveStartKey,
          }),
        );
        count += page.Count ?? 0;
        ExclusiveStartKey = page.LastEvaluatedKey as typeof ExclusiveStartKey;
      } while (ExclusiveStartKey);
      return count;
    }),
  );
  client.destroy();
  return counts.reduce((a, b) => a + b, 0);
}

describe('load', () => {
  it(`replays ${EVENTS.toLocaleString('en-US')} events with 10% duplicates and leaves exactly the expected rows`, async () => {
    const trail = mkdtempSync(join(tmpdir(), 'ec2trail-load-'));
    const generated = writeSyntheticTrail(trail, {
      files: Math.ceil(EVENTS / PER_FILE),
      eventsPerFile: PER_FILE,
      seed: 42,
      duplicateRate: 0.1,
    });
    expect(generated.events).toBeGreaterThanOrEqual(EVENTS);
    expect(generated.duplicates / generated.events).toBeGreaterThan(0.08);

    const client = dynamoClient();
    const table = await freshTable(client, 'load');
    client.destroy();

    const started = performance.now();
    // A guard against a hung process, not a performance goal (those are in `npm run bench`): it
    // took 415-480 s on a quiet machine, and this is five times that.
    const result = runCli(['replay', trail, '--endpoint-url', dynamoEndpoint(), '--table', table], {
      timeoutMs: 2_400_000,
    });
    const seconds = (performance.now() - started) / 1000;
    expect(result.stderr).not.toMatch(/NOT written/);
    expect(result.status).toBe(0);
    const summary =
      /: ([\d,]+) files, ([\d,]+) events \(([\d,]+) attributed\), ([\d,]+) records written, ([\d,]+) duplicates/.exec(
        result.stderr,
      );
    expect(summary).not.toBeNull();
    // Counts are printed with thousands separators (12,000).
    const [, , events, , written, duplicates] = (summary ?? []).map((n) => Number(n.replaceAll(',', '')));
    expect(events).toBe(generated.events);
    expect(written).toBe(generated.distinct);
    expect(duplicates).toBe(generated.records - generated.distinct);

    const rows = await countRows(table);
    expect(rows).toBe(generated.distinct);

    const figures = {
      events: generated.events,
      duplicateEvents: generated.duplicates,
      records: generated.records,
      expectedRows: generated.distinct,
      rowsFound: rows,
      seconds: Number(seconds.toFixed(1)),
      eventsPerSecond: Math.round(generated.events / seconds),
      recordsWrittenPerSecond: Math.round((written ?? 0) / seconds),
    };
    mkdirSync(join(ROOT, '.test-results'), { recursive: true });
    writeFileSync(join(ROOT, '.test-results', 'load.json'), `${JSON.stringify(figures, null, 2)}\n`);
    process.stderr.write(`load: ${JSON.stringify(figures)}\n`);
  }, 2_700_000);
});
