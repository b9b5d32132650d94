/** The trail-file worker's answers to SQS and to Step Functions when things go wrong: nothing is acknowledged that was not read. */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { HandlerResult } from '../../lambda/handler';
import { createTrailFileWorker, TrailBatchError } from '../../lambda/trail/trail-file-worker';
import { FakeLog, FakeMetrics } from '../helpers/fakes';

const EVENTS = join(__dirname, '..', 'fixtures', 'events');
const launch = JSON.parse(readFileSync(join(EVENTS, 'runinstances-iamuser-cli.json'), 'utf8'));
const stop = JSON.parse(readFileSync(join(EVENTS, 'stopinstances-awsservice.json'), 'utf8'));
const tags = JSON.parse(readFileSync(join(EVENTS, 'createtags-not-lifecycle.json'), 'utf8'));

const LOG = (n: number) =>
  `AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/02/111122223333_CloudTrail_eu-west-1_20260302T23${String(n).padStart(2, '0')}Z_x.json.gz`;

function worker(objects: Record<string, Uint8Array>, pipeline: (event: any) => Promise<HandlerResult>) {
  const metrics = new FakeMetrics();
  const logger = new FakeLog();
  const calls: string[] = [];
  const recorded = async (event: any) => {
    calls.push(String(event.detail.eventID));
    return pipeline(event);
  };
  const w = createTrailFileWorker({
    logs: {
      async open(_bucket, key) {
        const bytes = objects[key];
        if (!bytes) throw new Error(`NoSuchKey: ${key}`);
        return (async function* () {
          yield bytes;
        })();
      },
    },
    recover: recorded,
    backfill: recorded,
    logger,
    metrics,
    clock: () => new Date('2026-03-03T00:00:00Z'),
  });
  return { w, metrics, logger, calls };
}

const written: HandlerResult = {
  status: 'recorded',
  written: 1,
  duplicates: 0,
  violations: [],
  alert: 'none',
};
const message = (id: string, key: string) => ({
  messageId: id,
  eventSource: 'aws:sqs',
  body: JSON.stringify({
    'detail-type': 'Object Created',
    source: 'aws.s3',
    time: '2026-03-02T23:59:00Z',
    detail: { bucket: { name: 'b-1' }, object: { key }, requester: 'cloudtrail.amazonaws.com' },
  }),
});
const file = (...records: object[]) => gzipSync(JSON.stringify({ Records: records }));

describe('the trail-file worker', () => {
  it('sends only the watched events of a file through the pipeline, and counts what it recovered', async () => {
    const { w, metrics, calls } = worker({ [LOG(1)]: file(launch, tags, stop) }, async () => written);
    expect(await w.handle({ Records: [message('m1', LOG(1))] })).toEqual({ batchItemFailures: [] });
    // By hand: RunInstances and StopInstances are watched; CreateTags is not.
    expect(calls.sort()).toEqual([launch.eventID, stop.eventID].sort());
    expect(metrics.total('EventsRecoveredFromTrail')).toBe(2);
    expect(metrics.total('TrailFilesRead')).toBe(1);
  });

  it('fails only the message whose file cannot be read or stored, so SQS retries it alone', async () => {
    const { w, metrics } = worker(
      { [LOG(1)]: file(launch), [LOG(2)]: new Uint8Array([0x1f, 0x8b, 1, 2, 3]), [LOG(4)]: file(stop) },
      async (event) => {
        if (event.detail.eventID === stop.eventID) throw new Error('ProvisionedThroughputExceededException');
        return written;
      },
    );
    const response = await w.handle({
      Records: [
        message('ok', LOG(1)),
        message('corrupt', LOG(2)),
        message('missing', LOG(3)),
        message('throttled', LOG(4)),
      ],
    });
    // Files are read side by side: the order of the failures says nothing.
    const failed =
      'batchItemFailures' in response ? response.batchItemFailures.map((f) => f.itemIdentifier) : [];
    expect(failed.sort()).toEqual(['corrupt', 'missing', 'throttled']);
    expect(metrics.total('TrailFileFailures')).toBe(3);
  });

  it('reads no file CloudTrail did not deliver lately: it counts it, logs its writer and acknowledges it', async () => {
    const { w, metrics, calls, logger } = worker(
      { [LOG(1)]: file(launch), [LOG(2)]: file(launch), [LOG(3)]: file(launch) },
      async () => written,
    );
    const by = (id: string, key: string, requester: string, time = '2026-03-02T23:59:00Z') => ({
      messageId: id,
      eventSource: 'aws:sqs',
      body: JSON.stringify({
        'detail-type': 'Object Created',
        source: 'aws.s3',
        time,
        detail: { bucket: { name: 'b-1' }, object: { key }, requester },
      }),
    });
    const response = await w.handle({
      Records: [
        // Someone with s3:PutObject on the bucket.
        by('forged', LOG(1), '111122223333'),
        // `aws s3 sync` of an old folder: the name says 2026-03-02 23:02, S3 says 190 days later.
        by('copied', LOG(2), '111122223333', '2026-09-08T23:02:00Z'),
        // Replication writes old names too, and is no delivery either.
        by('replicated', LOG(3), 's3.amazonaws.com'),
      ],
    });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(calls).toEqual([]);
    expect(metrics.total('UntrustedTrailObjects')).toBe(3);
    expect(metrics.total('TrailFilesRead')).toBe(0);
    const reasons = logger.lines
      .filter((l) => l.message === 'Log file not read: CloudTrail did not deliver it lately')
      .map((l) => (l.extra[0] as { reason: string }).reason)
      .sort();
    expect(reasons).toEqual([
      'written by 111122223333, not by cloudtrail.amazonaws.com',
      'written by 111122223333, not by cloudtrail.amazonaws.com',
      'written by s3.amazonaws.com, not by cloudtrail.amazonaws.com',
    ]);
  });

  it('keeps an unreadable message for the dead-letter queue, acknowledges S3 test events and leaves digests alone', async () => {
    const { w, calls } = worker({}, async () => written);
    const digest = 'AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2026/03/02/d.json.gz';
    const response = await w.handle({
      Records: [
        { messageId: 'junk', eventSource: 'aws:sqs', body: '{"hello":1}' },
        { messageId: 'test', eventSource: 'aws:sqs', body: '{"Event":"s3:TestEvent"}' },
        message('digest', digest),
      ],
    });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'junk' }] });
    expect(calls).toEqual([]);
  });

  it('answers a backfill batch with its totals, and fails the whole batch when one file fails', async () => {
    const ok = worker({ [LOG(1)]: file(launch, tags), [LOG(2)]: file(stop) }, async () => written);
    await expect(
      ok.w.handle({ Items: [{ Key: LOG(1) }, { Key: LOG(2) }], BatchInput: { bucket: 'b-1' } }),
    ).resolves.toEqual({
      files: 2,
      skipped: 0,
      events: 3,
      watched: 2,
      written: 2,
      alreadyRecorded: 0,
    });
    expect(ok.metrics.total('EventsBackfilled')).toBe(2);
    expect(ok.metrics.total('EventsRecoveredFromTrail')).toBe(0);

    const bad = worker({ [LOG(1)]: file(launch) }, async () => written);
    await expect(
      bad.w.handle({ Items: [{ Key: LOG(1) }, { Key: LOG(9) }], BatchInput: { bucket: 'b-1' } }),
    ).rejects.toThrow(new TrailBatchError(`1 of 2 log files failed: ${LOG(9)} (NoSuchKey: ${LOG(9)})`));
  });

  it('logs and counts an invocation of neither kind instead of crashing', async () => {
    const { w, metrics, logger } = worker({}, async () => written);
    await expect(w.handle({ surprise: true })).resolves.toEqual({ unrecognized: true });
    expect(metrics.total('MalformedEvents')).toBe(1);
    expect(logger.lines.map((l) => l.level)).toEqual(['error']);
  });
});
