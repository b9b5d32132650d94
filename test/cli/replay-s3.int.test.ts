/** replay s3://bucket/prefix reads a trail's objects, here from the fauxqs S3 emulator. */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Replayer } from '../../cli/replay/replayer';
import { parseS3Uri, readS3Inputs } from '../../cli/s3-inputs';
import { DynamoDbBatchImporter } from '../../lambda/adapters/dynamodb-batch-importer';
import { ROOT } from '../helpers/cli';
import { documentClient, dynamoClient, freshTable } from '../helpers/services';

function s3(): S3Client {
  const endpoint = process.env.EC2TRAIL_TEST_SNS_ENDPOINT;
  return new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('replay from S3', () => {
  it('replays every log under the prefix and skips digest files', async () => {
    const client = s3();
    const bucket = `trail-${Date.now()}`;
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const examples = join(ROOT, 'examples', 'AWSLogs');
    for (const file of files(examples)) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `org/AWSLogs/${file.slice(examples.length + 1)}`,
          Body: readFileSync(file),
        }),
      );
    }
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'org/AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/digest.json.gz',
        Body: 'not a log',
      }),
    );
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'elsewhere/other.json', Body: '{}' }));

    const db = dynamoClient();
    const table = await freshTable(db, 's3');
    const replayer = new Replayer({
      importer: new DynamoDbBatchImporter(documentClient(db), table),
      ingestedBy: 'replay',
      now: () => new Date(),
    });
    await replayer.run(readS3Inputs(client, parseS3Uri(`s3://${bucket}/org/AWSLogs/`)));
    expect(replayer.tally).toMatchObject({
      files: 3,
      events: 11,
      lifecycleEvents: 10,
      written: 14,
      errors: 0,
    });
    db.destroy();
    client.destroy();
  });

  it('streams an object larger than a trail log instead of holding it whole', async () => {
    const client = s3();
    const bucket = `big-${Date.now()}`;
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    // 40,000 lines of a little over 200 bytes: past the 8 MB a trail log object never reaches.
    const lines = 40_000;
    const line = (i: number) =>
      JSON.stringify({ eventID: `e-${i}`, eventName: 'DescribeInstances', padding: 'x'.repeat(200) });
    const body = `${Array.from({ length: lines }, (_, i) => line(i)).join('\n')}\n`;
    expect(body.length).toBeGreaterThan(8 * 1024 * 1024);
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'export/all.ndjson', Body: body }));
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'export/small.json', Body: '{"Records": []}' }),
    );

    const read: { origin: string; streamed: boolean; json: number; last: unknown }[] = [];
    for await (const file of readS3Inputs(client, parseS3Uri(`s3://${bucket}/export/`))) {
      let json = 0;
      let last: unknown;
      for await (const item of file.items)
        if (item.kind === 'json') {
          json++;
          last = item.value;
        }
      read.push({ origin: file.origin, streamed: !Array.isArray(file.items), json, last });
    }
    expect(read).toEqual([
      {
        origin: `s3://${bucket}/export/all.ndjson`,
        streamed: true,
        json: lines,
        last: expect.objectContaining({ eventID: `e-${lines - 1}` }),
      },
      { origin: `s3://${bucket}/export/small.json`, streamed: false, json: 1, last: { Records: [] } },
    ]);
    client.destroy();
  });

  it('replays the same events whether objects are downloaded whole or streamed', async () => {
    const client = s3();
    const bucket = `stream-${Date.now()}`;
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const examples = join(ROOT, 'examples', 'AWSLogs');
    for (const file of files(examples))
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: file.slice(examples.length + 1),
          Body: readFileSync(file),
        }),
      );
    const db = dynamoClient();
    const tallies = [];
    for (const wholeBytes of [Number.MAX_SAFE_INTEGER, 1]) {
      const table = await freshTable(db, `s3-${wholeBytes}`);
      const replayer = new Replayer({
        importer: new DynamoDbBatchImporter(documentClient(db), table),
        ingestedBy: 'replay',
        now: () => new Date(),
      });
      await replayer.run(readS3Inputs(client, parseS3Uri(`s3://${bucket}/`), { wholeBytes }));
      tallies.push(replayer.tally);
    }
    // The examples hold 11 events in 3 files, 10 of them lifecycle calls (counted by hand).
    expect(tallies[0]).toMatchObject({ files: 3, events: 11, lifecycleEvents: 10, errors: 0 });
    expect(tallies[1]).toEqual(tallies[0]);
    db.destroy();
    client.destroy();
  });

  it.each(['s3://', 's3://x', 'S3://Bucket/key', 's3://bad_bucket/'])(
    'rejects %s as an S3 location',
    (uri) => {
      expect(() => parseS3Uri(uri)).toThrow(/is not an S3 location/);
    },
  );
});
