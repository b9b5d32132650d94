/**
 * The worker's contract with the Distributed Map: batches of listed objects, possibly handed to
 * two workers at once (a retried batch while the first attempt still runs, overlapping runs).
 * Log files in the fauxqs S3 emulator, rows in DynamoDB Local; the expected rows are the
 * generator's hand counts.
 */

import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAlertLedger } from '../../lambda/adapters/dynamodb-alert-ledger';
import { DynamoDbAttributionStore } from '../../lambda/adapters/dynamodb-attribution-store';
import { DynamoDbLineageStore } from '../../lambda/adapters/dynamodb-lineage-store';
import { S3TrailLogSource } from '../../lambda/adapters/s3-trail-log-source';
import { compilePolicy } from '../../lambda/domain';
import { createHandler } from '../../lambda/handler';
import { type BatchSummary, createTrailFileWorker } from '../../lambda/trail/trail-file-worker';
import { writeSyntheticTrail } from '../../support/synthetic-trail';
import { FakeLog, FakeMetrics, FakePublisher } from '../helpers/fakes';
import { documentClient, dynamoClient, freshTable, s3Client } from '../helpers/services';

describe('backfill batches', () => {
  it('two workers on overlapping batches write every row once', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ec2trail-batches-'));
    const trail = writeSyntheticTrail(root, { files: 12, eventsPerFile: 30, seed: 42 });
    const folder = 'AWSLogs/111122223333/CloudTrail/eu-west-1/2026/01/01';
    const s3 = s3Client();
    const bucket = `batches-${Date.now()}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const keys = readdirSync(join(root, folder))
      .sort()
      .map((name) => `${folder}/${name}`);
    for (const key of keys)
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(join(root, key)) }));

    const client = dynamoClient();
    const table = await freshTable(client, 'batches');
    const documents = documentClient(client);
    const metrics = new FakeMetrics();
    const make = () =>
      createTrailFileWorker({
        logs: new S3TrailLogSource(s3),
        recover: async () => {
          throw new Error('a backfill never takes the recovery path');
        },
        backfill: createHandler({
          store: new DynamoDbAttributionStore(documents, table),
          ledger: new DynamoDbAlertLedger(documents, table),
          lineage: new DynamoDbLineageStore(documents, table),
          publisher: new FakePublisher(),
          policy: compilePolicy({ rules: {} }),
          logger: new FakeLog(),
          metrics,
          clock: () => new Date(),
          ingestedBy: 'backfill',
        }),
        logger: new FakeLog(),
        metrics,
        clock: () => new Date(),
      });
    const batch = (from: number, to: number) => ({
      Items: keys.slice(from, to).map((Key) => ({ Key, Size: 1 })),
      BatchInput: { bucket },
    });
    // Files 4 to 7 are in both workers' batches, read at the same time.
    const [a, b] = (await Promise.all([
      make().handle(batch(0, 8)),
      make().handle(batch(4, 12)),
    ])) as BatchSummary[];

    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const rows = items.filter((item) => item.ingestedBy === 'backfill');
    expect(rows).toHaveLength(trail.distinct);
    expect((a?.files ?? 0) + (b?.files ?? 0)).toBe(16);
    expect(metrics.total('EventsBackfilled')).toBe((a?.written ?? 0) + (b?.written ?? 0));
  });
});
