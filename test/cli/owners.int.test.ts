/**
 * `ec2trail owners` against moto's EC2 (instances in two regions), DynamoDB Local and a local
 * Event history. The scenario, by construction:
 * - eu-north-1: A, whose launch by alice the table holds; B, whose launch by bob only Event
 *   history holds; E, a second launch by alice, throttled once by Event history.
 * - ca-central-1: C, tagged with an Auto Scaling group and unknown to both; D, tagged Owner=carol.
 * So 4 of 5 have a person (80 %): A from the table, B and E from Event history, D from tags; C is
 * unknown because Event history holds no launch of it, and its service is its group.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type _InstanceType, type EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Replayer } from '../../cli/replay/replayer';
import { DynamoDbBatchImporter } from '../../lambda/adapters/dynamodb-batch-importer';
import { EventHistoryStub } from '../../support/event-history-stub';
import { MOTO_ACCOUNT } from '../../support/moto-server';
import { ec2Product, PriceListStub } from '../../support/price-list-stub';
import { runInProcess } from '../helpers/cli';
import { loadJson } from '../helpers/fixtures';
import { motoEc2 } from '../helpers/moto';
import { documentClient, dynamoClient, dynamoEndpoint, freshTable, motoEndpoint } from '../helpers/services';

const NORTH = 'eu-north-1';
const CANADA = 'ca-central-1';

async function launch(ec2: EC2Client, tags: Record<string, string> = {}): Promise<{ id: string; at: Date }> {
  const answer = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12c6146b',
      InstanceType: 't3.micro' as _InstanceType,
      MinCount: 1,
      MaxCount: 1,
      ...(Object.keys(tags).length > 0
        ? {
            TagSpecifications: [
              {
                ResourceType: 'instance',
                Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
              },
            ],
          }
        : {}),
    }),
  );
  const instance = answer.Instances?.[0];
  if (!instance?.InstanceId || !instance.LaunchTime) throw new Error('moto did not launch');
  return { id: instance.InstanceId, at: instance.LaunchTime };
}

/** The IAM-user launch fixture, by `user`, for one instance of moto's, in its region and account. */
function launchRecord(user: string, id: string, region: string, at: Date, eventID: string) {
  const text = JSON.stringify(loadJson('events/runinstances-iamuser-cli.json'))
    .replaceAll('111122223333', MOTO_ACCOUNT)
    .replaceAll('i-0a1b2c3d4e5f60001', id)
    .replaceAll('user/alice', `user/${user}`)
    .replaceAll('"userName":"alice"', `"userName":"${user}"`)
    .replaceAll('"eu-west-1', `"${region}`);
  return {
    ...(JSON.parse(text) as object),
    eventTime: at.toISOString().replace(/\.\d+Z$/, 'Z'),
    eventID,
    awsRegion: region,
  };
}

describe('ec2trail owners', () => {
  const client = dynamoClient();
  const stub = new EventHistoryStub({});
  // Hourly list prices of the scenario's type in its two regions (stand-ins, not AWS's figures).
  // Moto's image is a Windows one (DescribeInstances says so): the Linux prices must not be taken.
  const prices = new PriceListStub([
    ec2Product('t3.micro', NORTH, 'Linux', '0.0104000000'),
    ec2Product('t3.micro', NORTH, 'Windows', '0.0108000000'),
    ec2Product('t3.micro', CANADA, 'Windows', '0.0116000000'),
  ]);
  const cache = mkdtempSync(join(tmpdir(), 'ec2trail-prices-'));
  let table: string;
  let env: NodeJS.ProcessEnv;
  const ids: Record<'A' | 'B' | 'C' | 'D' | 'E', string> = { A: '', B: '', C: '', D: '', E: '' };
  let launchedC = new Date(0);

  beforeAll(async () => {
    table = await freshTable(client, 'owners');
    const north = motoEc2(NORTH);
    const canada = motoEc2(CANADA);
    const a = await launch(north);
    const b = await launch(north);
    const e = await launch(north);
    const c = await launch(canada, { 'aws:autoscaling:groupName': 'web-asg' });
    const d = await launch(canada, { Owner: 'carol' });
    Object.assign(ids, { A: a.id, B: b.id, C: c.id, D: d.id, E: e.id });
    launchedC = c.at;
    north.destroy();
    canada.destroy();
    // The table holds A's launch, recorded as any replay records it.
    const replayer = new Replayer({
      importer: new DynamoDbBatchImporter(documentClient(client), table),
      ingestedBy: 'replay',
      now: () => new Date(),
    });
    await replayer.run(
      (async function* () {
        yield {
          origin: 'test',
          items: [
            { kind: 'json' as const, origin: 'A', value: launchRecord('alice', a.id, NORTH, a.at, 'evt-a') },
          ],
        };
      })(),
    );
    Object.assign(stub, {
      events: {
        [NORTH]: [
          { record: launchRecord('bob', b.id, NORTH, b.at, 'evt-b'), resources: [b.id] },
          { record: launchRecord('alice', e.id, NORTH, e.at, 'evt-e'), resources: [e.id] },
        ],
      },
    });
    const endpoint = await stub.start();
    const pricing = await prices.start();
    env = {
      AWS_ENDPOINT_URL_EC2: motoEndpoint(),
      AWS_ENDPOINT_URL_CLOUDTRAIL: endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint(),
      AWS_ENDPOINT_URL_PRICING: pricing,
      XDG_CACHE_HOME: cache,
      AWS_ENDPOINT_URL_S3: process.env.EC2TRAIL_TEST_SNS_ENDPOINT,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: NORTH,
    };
  }, 60_000);
  afterAll(async () => {
    await stub.stop();
    await prices.stop();
  });

  const owners = (...extra: string[]) =>
    runInProcess(
      ['owners', '--regions', `${NORTH},${CANADA}`, '--table', table, '--output', 'json', ...extra],
      {
        env,
      },
    );

  it('names the person behind each instance, how it is known, and the coverage', async () => {
    stub.throttle = new Set([2]);
    const result = await owners('--no-record');
    expect(result.stderr).toBe('');
    const { instances, summary } = JSON.parse(result.stdout) as {
      instances: Record<string, unknown>[];
      summary: Record<string, unknown>;
    };
    const byId = Object.fromEntries(instances.map((i) => [i.instanceId, i]));
    expect(byId[ids.A]).toMatchObject({
      person: 'alice',
      evidence: 'table',
      region: NORTH,
      account: MOTO_ACCOUNT,
    });
    expect(byId[ids.B]).toMatchObject({ person: 'bob', evidence: 'event-history', reason: null });
    expect(byId[ids.E]).toMatchObject({ person: 'alice', evidence: 'event-history' });
    expect(byId[ids.C]).toMatchObject({
      person: null,
      evidence: null,
      reason: 'not-in-event-history',
      service: 'autoscaling/web-asg',
    });
    expect(byId[ids.D]).toMatchObject({ person: 'carol', evidence: 'tags', personVerified: false });
    // Each instance's list price, as the Price List gave it for its region; read once per product.
    for (const id of [ids.A, ids.B, ids.E])
      expect(byId[id]).toMatchObject({ hourlyUsd: 0.0108, priceDate: '2026-11-01T00:00:00Z', noPrice: null });
    for (const id of [ids.C, ids.D]) expect(byId[id]).toMatchObject({ hourlyUsd: 0.0116 });
    expect(prices.requests).toBe(2);
    for (const instance of instances) {
      expect(instance).toMatchObject({ instanceType: 't3.micro', state: 'running' });
      expect(typeof instance.launchTime).toBe('string');
    }
    expect(summary).toMatchObject({
      instances: 5,
      withPerson: 4,
      percent: 80,
      byEvidence: { table: 1, 'event-history': 2, tags: 1 },
      unknownByReason: { 'not-in-event-history': 1 },
      // 3 × 0.0108 + 2 × 0.0116
      runningHourlyUsd: 0.0556,
      unpriced: 0,
    });
    // Every instance the table did not know, asked once in its own region (D's tag is the last
    // evidence tried), and the throttled request once more. (The pace: test/cli/owners-lookup.test.ts.)
    const asked = stub.requests.map((r) => `${r.region} ${r.resourceName}`);
    expect(new Set(asked)).toEqual(
      new Set([`${NORTH} ${ids.B}`, `${NORTH} ${ids.E}`, `${CANADA} ${ids.C}`, `${CANADA} ${ids.D}`]),
    );
    expect(asked).toHaveLength(5);
    // --no-record: the table still knows only A.
    const who = await runInProcess(['who', ids.B, '--table', table, '--output', 'json'], { env });
    expect(JSON.parse(who.stdout || '[]')).toEqual([]);
  });

  it('records what Event history held, so the next run and "who" answer from the table', async () => {
    stub.throttle = new Set();
    const first = await owners();
    // The prices came from the cache: no Price List request this time.
    expect(prices.requests).toBe(2);
    expect(first.stderr).toBe('');
    const who = await runInProcess(['who', ids.B, '--table', table, '--output', 'json'], { env });
    const rows = JSON.parse(who.stdout) as { action: string; actor: { name: string }; ingestedBy: string }[];
    expect(rows).toEqual([expect.objectContaining({ action: 'launch', ingestedBy: 'backfill' })]);
    expect(rows[0]?.actor.name).toBe('bob');
    stub.requests.length = 0;
    const second = JSON.parse((await owners()).stdout) as { instances: Record<string, unknown>[] };
    const byId = Object.fromEntries(second.instances.map((i) => [i.instanceId, i]));
    expect(byId[ids.B]).toMatchObject({ person: 'bob', evidence: 'table' });
    expect(byId[ids.E]).toMatchObject({ person: 'alice', evidence: 'table' });
    // Only the instances no launch row names are asked again.
    expect(new Set(stub.requests.map((r) => r.resourceName))).toEqual(new Set([ids.C, ids.D]));
  });

  it("finds in the trail's files of the launch day what Event history does not hold, and reads no other file", async () => {
    const s3 = new S3Client({
      endpoint: process.env.EC2TRAIL_TEST_SNS_ENDPOINT,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const bucket = `owners-trail-${Date.now()}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const minute = Math.floor(launchedC.getTime() / 60_000) * 60_000;
    const put = async (deliveredMs: number, user: string) => {
      const stamp = new Date(deliveredMs).toISOString().replace(/[-:]/g, '').slice(0, 13);
      const day = new Date(deliveredMs).toISOString().slice(0, 10).replaceAll('-', '/');
      const key = `org/AWSLogs/${MOTO_ACCOUNT}/CloudTrail/${CANADA}/${day}/${MOTO_ACCOUNT}_CloudTrail_${CANADA}_${stamp}Z_${user}.json.gz`;
      const body = gzipSync(
        JSON.stringify({ Records: [launchRecord(user, ids.C, CANADA, launchedC, `evt-${user}`)] }),
      );
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    };
    // Delivered 5 minutes after the launch: read. Stamped 10 minutes before it: it cannot hold the
    // launch, and it is listed first, naming someone else, so reading it would show.
    await put(minute + 5 * 60_000, 'dave');
    await put(minute - 10 * 60_000, 'mallory');
    s3.destroy();
    const result = await owners('--no-record', '--trail-bucket', bucket, '--trail-prefix', 'org');
    expect(result.stderr).toBe('');
    const { instances, summary } = JSON.parse(result.stdout) as {
      instances: Record<string, unknown>[];
      summary: Record<string, unknown>;
    };
    const byId = Object.fromEntries(instances.map((i) => [i.instanceId, i]));
    expect(byId[ids.C]).toMatchObject({ person: 'dave', evidence: 'trail', service: null });
    expect(byId[ids.D]).toMatchObject({ person: 'carol', evidence: 'tags' });
    expect(summary).toMatchObject({ withPerson: 5, percent: 100 });
  });

  it('lists the possibly forgotten: running past the threshold, untouched within it or with nobody behind them', async () => {
    // A is started again (a touch, dated an hour ahead so it is within any threshold); the rest
    // were launched seconds ago and left alone: past a one-second threshold, untouched.
    const start = JSON.stringify(loadJson('events/startinstances-samluser.json'))
      .replaceAll('i-0a1b2c3d4e5f60001', ids.A)
      .replaceAll('111122223333', MOTO_ACCOUNT)
      .replaceAll('"eu-west-1', `"${NORTH}`);
    const record = {
      ...(JSON.parse(start) as object),
      eventTime: new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
      eventID: 'evt-a-start',
      awsRegion: NORTH,
    };
    await new Replayer({
      importer: new DynamoDbBatchImporter(documentClient(client), table),
      ingestedBy: 'replay',
      now: () => new Date(),
    }).run(
      (async function* () {
        yield { origin: 'test', items: [{ kind: 'json' as const, origin: 'A start', value: record }] };
      })(),
    );
    const result = await owners('--no-lookup', '--forgotten', '--forgotten-after', '1s');
    expect(result.stderr).toBe('');
    const { instances } = JSON.parse(result.stdout) as {
      instances: { instanceId: string; lastTouch: string | null }[];
    };
    expect(instances.map((i) => i.instanceId).sort()).toEqual([ids.B, ids.C, ids.D, ids.E].sort());
    expect(instances.every((i) => i.lastTouch === null)).toBe(true);
    // The run recorded, so it saved the snapshot the digest reads: the four, dearest first
    // (Canada's price before the north's; launches of one second in id order), at list prices for a month.
    const digest = await runInProcess(['digest', '--since', '1d', '--table', table], { env });
    const section = digest.stdout.split('\n\n').find((part) => part.startsWith('Running for a long time'));
    const lines = section?.split('\n') ?? [];
    expect(lines[0]).toMatch(
      /^Running for a long time, untouched \(more than 1 second; inventory of \d{4}-\d\d-\d\d \d\d:\d\d UTC, 2 regions\)$/,
    );
    const listed = lines.slice(1, 5).map((line) => line.trim().split(' ')[0]);
    expect(new Set(listed.slice(0, 2))).toEqual(new Set([ids.C, ids.D]));
    expect(new Set(listed.slice(2))).toEqual(new Set([ids.B, ids.E]));
    const carolLine = lines.find((line) => line.includes(ids.D)) ?? '';
    expect(carolLine).toContain(`t3.micro (${MOTO_ACCOUNT}, ${CANADA}) for carol: launched `);
    // 730 hours × 0.0116 = 8.468; the four: 730 × (2 × 0.0116 + 2 × 0.0108) = 32.704.
    expect(carolLine).toMatch(/last touched never that ec2trail saw; about USD 8\.47 a month$/);
    expect(lines[5]).toBe('  4 instances in all, about USD 32.70 a month at list prices (an estimate)');
    // A person's digest shows only their own.
    const carol = await runInProcess(
      ['digest', '--since', '1d', '--person', 'carol', '--json', '--table', table],
      {
        env,
      },
    );
    const forgotten = (
      JSON.parse(carol.stdout) as { forgotten: { total: number; instances: { instanceId: string }[] } }
    ).forgotten;
    expect(forgotten.total).toBe(1);
    expect(forgotten.instances.map((i) => i.instanceId)).toEqual([ids.D]);
    const usage = await runInProcess(['owners', '--forgotten-after', '30d'], { env });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('ec2trail owners: --forgotten-after goes with --forgotten');
  });
});
