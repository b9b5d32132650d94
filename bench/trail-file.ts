/**
 * What one trail log file costs the trail-file function: wall time per batch of files (the
 * Distributed Map's batch, the SQS batch), read from the fauxqs S3 emulator and written to
 * DynamoDB Local by the real worker and handler. Three passes over the same files:
 *   backfill   an empty table: every watched event is new (the map's work on history);
 *   recover    the same files through the second path with the team's policy, nothing recorded:
 *              the worst case of the live second path (every event missed by EventBridge);
 *   steady     the same again, now that everything is recorded and alerted: what the second
 *              path does on almost every file it reads.
 * Files are shaped like a busy account's five-minute file: most records are other calls,
 * a few are watched EC2 lifecycle calls.
 */

import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable, localClient } from '../cli/local/dynamodb-local';
import { S3TrailLogSource } from '../lambda/adapters/s3-trail-log-source';
import { SnsAlertPublisher } from '../lambda/adapters/sns-alert-publisher';
import { compilePolicy, type Policy } from '../lambda/domain';
import { createHandler } from '../lambda/handler';
import { recordingDeps } from '../lambda/runtime/recording-deps';
import { CLOUDTRAIL_PRINCIPAL, nameTimeOf } from '../lambda/trail/provenance';
import { type BatchSummary, createTrailFileWorker } from '../lambda/trail/trail-file-worker';
import { DEFAULT_POLICY_FILE, readPolicyFile } from '../lib/policy-file';
import { syntheticEvents } from '../support/synthetic-trail';
import { emulatorTopic } from './emulator-topic';
import { ASSUMPTIONS, PRICES } from './prices';
import { SILENT_LOG, SILENT_METRICS } from './silent';

/**
 * The shape of the files: records per file, and of those the watched lifecycle calls. Ten in
 * 250 is far busier than most accounts launch and stop instances, so the figures built on it are
 * an upper bound; the `quiet` files (no watched call) give the lower one: reading and filtering.
 */
export const TRAIL_FILE_SHAPE = { records: 250, watched: 10 } as const;
/** Files per batch: the stack's default `trail.backfill.filesPerBatch` and the SQS batch size. */
const FILES_PER_BATCH = 10;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * A call the rule does not watch, as big as the watched ones: the template's text under another
 * name, so the decoder and the filter see a record of the real size.
 */
function otherCall(text: string, index: number): string {
  return text
    .replace(/"eventName":"[^"]*"/, '"eventName":"DescribeInstances"')
    .replace(/"eventID":"[^"]*"/, `"eventID":"other-${index}"`);
}

/** Writes `files` gzipped log files to the bucket; returns their keys. */
async function uploadFiles(
  s3: S3Client,
  bucket: string,
  files: number,
  watchedPerFile: number,
): Promise<{ keys: string[]; recording: number }> {
  const watched = syntheticEvents(files * watchedPerFile, 71);
  const filler = syntheticEvents(files * (TRAIL_FILE_SHAPE.records - watchedPerFile), 72);
  const folder = `AWSLogs/111122223333/CloudTrail/eu-west-1/2026/01/${watchedPerFile === 0 ? '02' : '01'}`;
  const keys: string[] = [];
  let other = 0;
  // Watched events that yield a row (the generator's hand counts): some templates yield none.
  let recording = 0;
  for (let f = 0; f < files; f++) {
    const texts: string[] = [];
    for (let r = 0; r < TRAIL_FILE_SHAPE.records; r++) {
      // Spread the watched calls through the file, as they are in a real one.
      const isWatched = watchedPerFile > 0 && r % (TRAIL_FILE_SHAPE.records / watchedPerFile) === 0;
      const next = (isWatched ? watched : filler).next();
      if (next.done) throw new Error('the generator ran out of events');
      if (isWatched && next.value.records > 0) recording++;
      texts.push(isWatched ? next.value.text : otherCall(next.value.text, other++));
    }
    const key = `${folder}/111122223333_CloudTrail_eu-west-1_20260101T${String(f).padStart(4, '0')}Z_bench${f}.json.gz`;
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: gzipSync(`{"Records":[${texts.join(',')}]}`) }),
    );
    keys.push(key);
  }
  return { keys, recording };
}

export async function benchTrailFile(dynamoEndpoint: string, s3Endpoint: string, batches: number) {
  const s3 = new S3Client({
    endpoint: s3Endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const bucket = `bench-trail-${Date.now()}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const { keys, recording } = await uploadFiles(
    s3,
    bucket,
    batches * FILES_PER_BATCH,
    TRAIL_FILE_SHAPE.watched,
  );
  const quiet = await uploadFiles(s3, bucket, batches * FILES_PER_BATCH, 0);

  const client = localClient(dynamoEndpoint);
  await ensureTable(client, 'bench-trail');
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const { sns, topicArn } = await emulatorTopic(s3Endpoint, 'bench-trail');
  const pipeline = (policy: Policy, ingestedBy: 'trail' | 'backfill') =>
    createHandler({
      ...recordingDeps({
        documents,
        tableName: 'bench-trail',
        publisher: new SnsAlertPublisher(sns, topicArn),
        logger: SILENT_LOG,
        metrics: SILENT_METRICS,
      }),
      policy: compilePolicy(policy),
      ingestedBy,
    });
  const worker = createTrailFileWorker({
    logs: new S3TrailLogSource(s3),
    recover: pipeline(readPolicyFile(DEFAULT_POLICY_FILE), 'trail'),
    backfill: pipeline({ rules: {} }, 'backfill'),
    logger: SILENT_LOG,
    metrics: SILENT_METRICS,
    clock: () => new Date(),
  });

  /** Median wall time of one batch, over every batch of the files. */
  const pass = async (handle: (batch: readonly string[]) => Promise<unknown>, files = keys) => {
    const times: number[] = [];
    for (let b = 0; b < batches; b++) {
      const batch = files.slice(b * FILES_PER_BATCH, (b + 1) * FILES_PER_BATCH);
      const started = performance.now();
      await handle(batch);
      times.push(performance.now() - started);
    }
    return median(times);
  };
  const asMapBatch = (batch: readonly string[]) => ({
    Items: batch.map((Key) => ({ Key, Size: 1 })),
    BatchInput: { bucket },
  });
  const asSqsBatch = (batch: readonly string[]) => ({
    Records: batch.map((key, i) => ({
      messageId: `m-${i}`,
      eventSource: 'aws:sqs',
      body: JSON.stringify({
        version: '0',
        'detail-type': 'Object Created',
        source: 'aws.s3',
        // As CloudTrail delivers: a minute after the time in the file's name, by its service principal.
        time: new Date((nameTimeOf(key) ?? Date.now()) + 60_000).toISOString(),
        detail: { bucket: { name: bucket }, object: { key, size: 1 }, requester: CLOUDTRAIL_PRINCIPAL },
      }),
    })),
  });

  let backfilled = 0;
  const backfillMs = await pass(async (batch) => {
    const summary = (await worker.handle(asMapBatch(batch))) as BatchSummary;
    backfilled += summary.written;
  });
  const quietMs = await pass(async (batch) => {
    const summary = (await worker.handle(asMapBatch(batch))) as BatchSummary;
    if (summary.watched !== 0) throw new Error('a quiet file held a watched call');
  }, quiet.keys);
  // A fresh table for the recovery pass, so every event is one EventBridge missed.
  await ensureTable(client, 'bench-trail-recover');
  const recoverWorker = createTrailFileWorker({
    logs: new S3TrailLogSource(s3),
    recover: createHandler({
      ...recordingDeps({
        documents,
        tableName: 'bench-trail-recover',
        publisher: new SnsAlertPublisher(sns, topicArn),
        logger: SILENT_LOG,
        metrics: SILENT_METRICS,
      }),
      policy: compilePolicy(readPolicyFile(DEFAULT_POLICY_FILE)),
      ingestedBy: 'trail',
    }),
    backfill: async () => {
      throw new Error('the second path never backfills');
    },
    logger: SILENT_LOG,
    metrics: SILENT_METRICS,
    clock: () => new Date(),
  });
  const failures = async (batch: readonly string[]) => {
    const answer = await recoverWorker.handle(asSqsBatch(batch));
    if (!('batchItemFailures' in answer) || answer.batchItemFailures.length > 0)
      throw new Error(`the worker did not read the batch: ${JSON.stringify(answer)}`);
  };
  const recoverMs = await pass(failures);
  const steadyMs = await pass(failures);
  client.destroy();
  s3.destroy();
  sns.destroy();
  if (backfilled !== recording)
    throw new Error(`the backfill pass wrote ${backfilled} events, not the ${recording} that yield rows`);

  // In AWS each GET waits on S3 (ASSUMPTIONS.s3GetMs) where the emulator answers at once; the
  // worker reads 4 files at a time, so a batch of 10 waits for 3 rounds of GETs.
  const awsBatchMs = (ms: number) => ms + Math.ceil(FILES_PER_BATCH / 4) * ASSUMPTIONS.s3GetMs;
  const perFile = (ms: number) => awsBatchMs(ms) / FILES_PER_BATCH;
  const lambdaUsdPerFile = (ms: number) =>
    (perFile(ms) / 1000) * ASSUMPTIONS.trailFunctionMemoryGb * PRICES.lambdaArmGbSecond +
    PRICES.lambdaRequest / FILES_PER_BATCH;
  // Step Functions: per child (one batch), a Standard transition in the parent, an Express request,
  // and the child's duration (the batch's time) at its minimum memory.
  const childUsd =
    PRICES.stepFunctionsTransition +
    PRICES.stepFunctionsExpressRequest +
    (awsBatchMs(backfillMs) / 1000) * ASSUMPTIONS.expressChildMemoryGb * PRICES.stepFunctionsExpressGbSecond;
  const backfillPerMillion =
    1e6 * (lambdaUsdPerFile(backfillMs) + PRICES.s3Get + PRICES.s3List / 1000 + childUsd / FILES_PER_BATCH);
  // SQS: EventBridge's SendMessage per file, one ReceiveMessage and one DeleteMessageBatch per batch.
  const secondPathPerMillion =
    1e6 * (lambdaUsdPerFile(steadyMs) + PRICES.s3Get + PRICES.sqsRequest * (1 + 2 / FILES_PER_BATCH));
  // A year of a 100-account organization trail (ASSUMPTIONS: active regions, files per day).
  const yearFiles = 100 * ASSUMPTIONS.activeRegionsPerAccount * ASSUMPTIONS.trailFilesPerRegionDay * 365;
  const hoursAt = (concurrency: number, batchMs = backfillMs) =>
    (yearFiles / FILES_PER_BATCH / concurrency) * (awsBatchMs(batchMs) / 1000 / 3600);
  return {
    trailFileRecords: TRAIL_FILE_SHAPE.records,
    trailFileWatched: TRAIL_FILE_SHAPE.watched,
    trailBatchFiles: FILES_PER_BATCH,
    trailBackfillBatchMs: round(backfillMs, 1),
    trailRecoverBatchMs: round(recoverMs, 1),
    trailSteadyBatchMs: round(steadyMs, 1),
    trailBackfillFileMs: round(backfillMs / FILES_PER_BATCH, 2),
    trailSteadyFileMs: round(steadyMs / FILES_PER_BATCH, 2),
    trailQuietFileMs: round(quietMs / FILES_PER_BATCH, 2),
    trailBackfillPerMillionFilesUsd: round(backfillPerMillion, 2),
    trailSecondPathPerMillionFilesUsd: round(secondPathPerMillion, 2),
    trailYear100AccountsFiles: yearFiles,
    trailYear100AccountsHoursAt20: round(hoursAt(20), 1),
    trailYear100AccountsHoursAt200: round(hoursAt(200), 1),
    trailYear100AccountsQuietHoursAt20: round(hoursAt(20, quietMs), 1),
  };
}
