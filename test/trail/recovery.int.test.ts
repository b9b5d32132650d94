/**
 * The trail path recovers what EventBridge never delivered. A seeded 20% of a synthetic stretch of
 * trail is never delivered live; the stretch's log files then arrive through the trail path
 * (log files in the fauxqs S3 emulator, rows in DynamoDB Local, alerts through fauxqs SNS → SQS).
 * The oracles: the generator's hand counts of records per template, the seeded drop list, and a
 * reference run that delivers every event live.
 */

import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAlertLedger } from '../../lambda/adapters/dynamodb-alert-ledger';
import { DynamoDbAttributionStore } from '../../lambda/adapters/dynamodb-attribution-store';
import { DynamoDbLineageStore } from '../../lambda/adapters/dynamodb-lineage-store';
import { S3TrailLogSource } from '../../lambda/adapters/s3-trail-log-source';
import { SnsAlertPublisher } from '../../lambda/adapters/sns-alert-publisher';
import { type CompiledPolicy, compilePolicy } from '../../lambda/domain';
import { createHandler } from '../../lambda/handler';
import type { IngestedBy } from '../../lambda/schema/attribution-table';
import { createTrailFileWorker } from '../../lambda/trail/trail-file-worker';
import { DEFAULT_POLICY_FILE, readPolicyFile } from '../../lib/policy-file';
import { prng, syntheticEvents } from '../../support/synthetic-trail';
import { FakeLog, FakeMetrics } from '../helpers/fakes';
import { documentClient, dynamoClient, freshTable, s3Client, snsClient } from '../helpers/services';
import { receive, subscribedQueue } from '../helpers/sns-queues';

const EVENTS = 400;
const EVENTS_PER_FILE = 40;
const SEED = 15;
const DROP_RATE = 0.2;
const DAY_FOLDER = 'AWSLogs/111122223333/CloudTrail/eu-west-1/2026/01/01';

/**
 * The default policy without its two rules whose verdict depends on the order events arrive in
 * (a launch quota counts earlier launches; a protected stop needs its launch first): recovery
 * changes that order on purpose, and the property under test is "same alerts, each once".
 */
function orderFreePolicy(): CompiledPolicy {
  const policy = readPolicyFile(DEFAULT_POLICY_FILE);
  const { launchQuota: _q, protectedInstances: _p, ...rules } = policy.rules;
  return compilePolicy({ ...policy, rules });
}

interface Wiring {
  readonly table: string;
  readonly queueUrl: string;
  readonly metrics: FakeMetrics;
  readonly live: ReturnType<typeof createHandler>;
  handler(ingestedBy: IngestedBy): ReturnType<typeof createHandler>;
}

async function wire(name: string): Promise<Wiring> {
  const client = dynamoClient();
  const table = await freshTable(client, name);
  const documents = documentClient(client);
  const suffix = `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const { TopicArn } = await snsClient().send(new CreateTopicCommand({ Name: `alerts-${suffix}` }));
  if (!TopicArn) throw new Error('no topic');
  const queueUrl = await subscribedQueue(TopicArn, `alerts-${suffix}`);
  const metrics = new FakeMetrics();
  const policy = orderFreePolicy();
  const handler = (ingestedBy: IngestedBy) =>
    createHandler({
      // The fixtures' calls are months before the clock: lateness has its own tests (handler.test.ts).
      lateAfterSeconds: Number.POSITIVE_INFINITY,
      store: new DynamoDbAttributionStore(documents, table),
      ledger: new DynamoDbAlertLedger(documents, table),
      lineage: new DynamoDbLineageStore(documents, table),
      publisher: new SnsAlertPublisher(snsClient(), TopicArn),
      policy,
      logger: new FakeLog(),
      metrics,
      clock: () => new Date(),
      ingestedBy,
    });
  return { table, queueUrl, metrics, live: handler('live'), handler };
}

/** Every alert on the queue: the event it is about and whether it says it is late. */
async function drainAlerts(
  queueUrl: string,
): Promise<{ eventKey: string; late: boolean; subject: string }[]> {
  const alerts: { eventKey: string; late: boolean; subject: string }[] = [];
  for (;;) {
    const batch = await receive(queueUrl, 0);
    if (batch.length === 0) break;
    for (const envelope of batch) {
      // The emulator hands SQS the whole structure; real SNS would pick its `default` body.
      const structure = JSON.parse(envelope.Message) as { default: string };
      const body = JSON.parse(structure.default) as { record: { eventKey: string }; late?: unknown };
      alerts.push({
        eventKey: body.record.eventKey,
        late: body.late !== undefined,
        subject: envelope.Subject,
      });
    }
  }
  return alerts;
}

async function rows(table: string): Promise<Record<string, unknown>[]> {
  const documents = documentClient();
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  // Attribution rows only: alert markers, quota counts and lineage links live in the same table.
  return items.filter((item) => typeof item.eventKey === 'string' && typeof item.ingestedBy === 'string');
}

function envelopeOf(text: string) {
  const detail = JSON.parse(text) as Record<string, unknown>;
  return {
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ec2',
    account: detail.recipientAccountId,
    region: detail.awsRegion,
    detail,
  };
}

describe('the trail path recovers undelivered events', () => {
  const events = [...syntheticEvents(EVENTS, SEED)];
  const random = prng(SEED * 7919);
  const dropped = events.map(() => random() < DROP_RATE);
  const expectedRecords = events.reduce((sum, e) => sum + e.records, 0);
  const droppedWatched = events.filter((e, i) => dropped[i] && e.records > 0).length;
  const droppedRecords = events.reduce((sum, e, i) => sum + (dropped[i] ? e.records : 0), 0);

  let reference: { eventKey: string }[];

  beforeAll(async () => {
    // The reference: every event delivered live, once.
    const all = await wire('reference');
    for (const event of events) await all.live(envelopeOf(event.text));
    reference = await drainAlerts(all.queueUrl);
  });

  it('writes every event once, alerts each alert once, and counts exactly the dropped events', async () => {
    // The seed gives a drop share near 20%, and drops events that alert: the test is not vacuous.
    expect(dropped.filter(Boolean).length).toBeGreaterThan(EVENTS * 0.15);
    expect(dropped.filter(Boolean).length).toBeLessThan(EVENTS * 0.25);

    const run = await wire('recovery');
    for (const [i, event] of events.entries()) if (!dropped[i]) await run.live(envelopeOf(event.text));

    const s3 = s3Client();
    const bucket = `trail-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const keys: string[] = [];
    for (let f = 0; f * EVENTS_PER_FILE < events.length; f++) {
      const texts = events.slice(f * EVENTS_PER_FILE, (f + 1) * EVENTS_PER_FILE).map((e) => e.text);
      const key = `${DAY_FOLDER}/111122223333_CloudTrail_eu-west-1_20260101T${String(f * 5).padStart(4, '0')}Z_recovery${f}.json.gz`;
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: gzipSync(`{"Records":[${texts.join(',')}]}`),
        }),
      );
      keys.push(key);
    }
    // A digest file beside the logs is announced too, and must be left alone.
    const digest = `AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/01/01/111122223333_CloudTrail-Digest_eu-west-1_x_20260101T0100Z.json.gz`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: digest, Body: gzipSync('{"digest":true}') }));

    const trailMetrics = new FakeMetrics();
    const worker = createTrailFileWorker({
      logs: new S3TrailLogSource(s3),
      recover: run.handler('trail'),
      backfill: run.handler('backfill'),
      logger: new FakeLog(),
      metrics: trailMetrics,
      clock: () => new Date(),
    });
    const sqsEvent = {
      Records: [...keys, digest].map((key, i) => ({
        messageId: `m-${i}`,
        eventSource: 'aws:sqs',
        body: JSON.stringify({
          'detail-type': 'Object Created',
          source: 'aws.s3',
          time: '2026-01-01T00:10:00Z',
          detail: { bucket: { name: bucket }, object: { key }, requester: 'cloudtrail.amazonaws.com' },
        }),
      })),
    };
    // SQS hands at most 10 messages to one invocation.
    for (let i = 0; i < sqsEvent.Records.length; i += 10) {
      const response = await worker.handle({ Records: sqsEvent.Records.slice(i, i + 10) });
      expect(response).toEqual({ batchItemFailures: [] });
    }

    const stored = await rows(run.table);
    expect(stored).toHaveLength(expectedRecords);
    expect(new Set(stored.map((r) => `${r.instanceId}|${r.eventKey}`)).size).toBe(expectedRecords);
    expect(stored.filter((r) => r.ingestedBy === 'trail')).toHaveLength(droppedRecords);
    expect(trailMetrics.total('EventsRecoveredFromTrail')).toBe(droppedWatched);

    const alerts = await drainAlerts(run.queueUrl);
    const keysOf = (list: { eventKey: string }[]) => list.map((a) => a.eventKey).sort();
    expect(keysOf(alerts)).toEqual(keysOf(reference));
    expect(new Set(keysOf(alerts)).size).toBe(alerts.length);
    const droppedKeys = new Set(
      events.flatMap((e, i) =>
        dropped[i] ? [String((JSON.parse(e.text) as { eventID: string }).eventID)] : [],
      ),
    );
    const lateAlerts = alerts.filter((a) => a.late);
    expect(lateAlerts.length).toBeGreaterThan(0);
    for (const alert of alerts) {
      // An event's key is its CloudTrail eventID.
      const wasDropped = droppedKeys.has(alert.eventKey);
      expect({ key: alert.eventKey, late: alert.late }).toEqual({ key: alert.eventKey, late: wasDropped });
      if (alert.late) expect(alert.subject).toMatch(/^\[LATE \d/);
    }

    // The same files announced again (SQS delivers at least once) change nothing.
    const again = await worker.handle({ Records: sqsEvent.Records.slice(0, 10) });
    expect(again).toEqual({ batchItemFailures: [] });
    expect(await rows(run.table)).toHaveLength(expectedRecords);
    expect(await drainAlerts(run.queueUrl)).toEqual([]);
    expect(trailMetrics.total('EventsRecoveredFromTrail')).toBe(droppedWatched);
  });
});
