/**
 * The trail-file function: reads the trail's log files from S3 and sends every watched event
 * through the same pipeline as the live function. Rows already written by the live path are left
 * alone (conditional writes) and alerts already sent are not sent again (the alert ledger), so
 * the only events that change anything are the ones EventBridge never delivered.
 *
 * Two callers: SQS, announcing each new log file (partial batch responses: a file that fails is
 * retried alone, then dead-lettered); and a backfill's Distributed Map, handing over batches of
 * listed objects (a batch that fails is retried, then reported in the map run's results).
 */

import { attribute, CLOUDTRAIL_DETAIL_TYPE, entriesOf } from '../domain';
import { parseTrailLogKey, type TrailLogKey } from '../domain/trail-log-key';
import type { HandlerResult } from '../handler';
import { streamInput } from '../ingest/decode';
import type { TrailLogSource } from '../ports';
import { type Log, METRIC, type MetricSink } from '../telemetry';
import { type LogFileRef, type MapBatch, MapBatchSchema, readMessageBody, SqsEventSchema } from './messages';
import { untrustedBecause } from './provenance';

export type EventPipeline = (event: unknown) => Promise<HandlerResult>;

export interface TrailWorkerDeps {
  readonly logs: TrailLogSource;
  /** The live pipeline with `ingestedBy: 'trail'`: policy on, alerts marked late. */
  readonly recover: EventPipeline;
  /** The pipeline with `ingestedBy: 'backfill'` and no policy: history is recorded, not alerted. */
  readonly backfill: EventPipeline;
  readonly logger: Log;
  readonly metrics: MetricSink;
  readonly clock: () => Date;
  /** Events of one file in flight at once. @default 8 */
  readonly eventConcurrency?: number;
  /** Files of one batch read at once. @default 4 */
  readonly fileConcurrency?: number;
}

export type Mode = 'recover' | 'backfill';

/** What became of one log file. */
export interface FileOutcome {
  readonly bucket: string;
  readonly key: string;
  /**
   * `skipped` for objects that are not log files (digests, other folders); `untrusted` for a
   * log file CloudTrail did not deliver lately (counted, alarmed, never read).
   */
  readonly status: 'read' | 'skipped' | 'untrusted' | 'failed';
  /** CloudTrail events in the file. */
  readonly events: number;
  /** Of those, the watched calls. */
  readonly watched: number;
  /** Watched events this file brought into the table (EventBridge had not delivered them). */
  readonly recovered: number;
  /** Watched events already in the table. */
  readonly alreadyRecorded: number;
  readonly alerts: number;
  /** Why the file failed; empty unless `status` is `failed`. */
  readonly problems: readonly string[];
}

/** The answer to SQS: the messages to deliver again. */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** The answer to one Distributed Map batch: the totals its results report. */
export interface BatchSummary {
  readonly files: number;
  readonly skipped: number;
  readonly events: number;
  readonly watched: number;
  readonly written: number;
  readonly alreadyRecorded: number;
}

/** Thrown for a map batch with a failed file: Step Functions retries the batch, then reports it. */
export class TrailBatchError extends Error {
  override readonly name = 'TrailBatchError';
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the order of results. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createTrailFileWorker(deps: TrailWorkerDeps) {
  const { logs, logger, metrics, clock } = deps;
  const eventConcurrency = deps.eventConcurrency ?? 8;
  const fileConcurrency = deps.fileConcurrency ?? 4;

  /** Reads one log file and sends each watched event through the pipeline of `mode`. */
  async function processFile(file: LogFileRef, mode: Mode): Promise<FileOutcome> {
    const base = { bucket: file.bucket, key: file.key };
    /** The outcome of a file that is not read at all. */
    const unread = (status: 'skipped' | 'untrusted'): FileOutcome => ({
      ...base,
      status,
      events: 0,
      watched: 0,
      recovered: 0,
      alreadyRecorded: 0,
      alerts: 0,
      problems: [],
    });
    const logKey: TrailLogKey | null = parseTrailLogKey(file.key);
    if (!logKey) return unread('skipped');
    // Only CloudTrail's own recent deliveries may alert and act: a file anyone else wrote, or an
    // old one copied in, could name any instance as a fresh violation.
    const untrusted = mode === 'recover' ? untrustedBecause(file) : null;
    if (untrusted !== null) {
      metrics.addMetric(METRIC.untrustedTrailObjects, 'Count', 1);
      logger.error('Log file not read: CloudTrail did not deliver it lately', {
        bucket: file.bucket,
        key: file.key,
        writer: file.writer,
        reason: untrusted,
      });
      return unread('untrusted');
    }
    const pipeline = mode === 'recover' ? deps.recover : deps.backfill;
    const problems: string[] = [];
    let events = 0;
    let watched = 0;
    let recovered = 0;
    let alreadyRecorded = 0;
    let alerts = 0;
    let newestMs = Number.NEGATIVE_INFINITY;
    const inFlight = new Set<Promise<void>>();

    const send = async (record: Record<string, unknown>) => {
      try {
        const result = await pipeline({
          'detail-type': CLOUDTRAIL_DETAIL_TYPE,
          account: typeof record.recipientAccountId === 'string' ? record.recipientAccountId : logKey.account,
          region: typeof record.awsRegion === 'string' ? record.awsRegion : logKey.region,
          detail: record,
        });
        if (result.written > 0) recovered++;
        else if (result.status === 'recorded') alreadyRecorded++;
        if (result.alert === 'sent') alerts++;
      } catch (error) {
        problems.push(`event ${String(record.eventID ?? '(no eventID)')}: ${message(error)}`);
      }
    };

    try {
      const items = streamInput(`s3://${file.bucket}/${file.key}`, await logs.open(file.bucket, file.key));
      for await (const item of items) {
        if (item.kind === 'error') {
          problems.push(item.message);
          continue;
        }
        for (const entry of entriesOf(item.value)) {
          if (entry.kind !== 'record') continue;
          events++;
          const time =
            typeof entry.record.eventTime === 'string' ? Date.parse(entry.record.eventTime) : Number.NaN;
          if (time > newestMs) newestMs = time;
          // Most of a trail is other services' calls: only watched ones go through the pipeline.
          const result = attribute(entry.record, entry.context);
          if (result.kind === 'skipped' && result.reason === 'not-lifecycle') continue;
          watched++;
          if (item.damaged === true && JSON.stringify(entry.record).includes('\uFFFD')) {
            // Recorded all the same (the rest of the event is good), but never silently.
            metrics.addMetric(METRIC.invalidUtf8Events, 'Count', 1);
            logger.warn('Event with bytes that are not UTF-8: recorded with U+FFFD in their place', {
              bucket: file.bucket,
              key: file.key,
              eventId: entry.record.eventID,
            });
          }
          while (inFlight.size >= eventConcurrency) await Promise.race(inFlight);
          const work = send(entry.record).finally(() => inFlight.delete(work));
          inFlight.add(work);
        }
      }
    } catch (error) {
      problems.push(message(error));
    }
    await Promise.all(inFlight);

    metrics.addMetric(METRIC.trailFilesRead, 'Count', 1);
    if (mode === 'recover') {
      if (recovered > 0) metrics.addMetric(METRIC.eventsRecoveredFromTrail, 'Count', recovered);
      if (Number.isFinite(newestMs))
        metrics.addMetric(
          METRIC.trailLagSeconds,
          'Seconds',
          Math.max(0, (clock().getTime() - newestMs) / 1000),
        );
    } else if (recovered > 0) metrics.addMetric(METRIC.eventsBackfilled, 'Count', recovered);

    const outcome: FileOutcome = {
      ...base,
      status: problems.length > 0 ? 'failed' : 'read',
      events,
      watched,
      recovered,
      alreadyRecorded,
      alerts,
      problems,
    };
    if (problems.length > 0) {
      metrics.addMetric(METRIC.trailFileFailures, 'Count', 1);
      logger.error('Trail log file failed: it will be read again', {
        bucket: file.bucket,
        key: file.key,
        problems: problems.slice(0, 10),
        more: Math.max(0, problems.length - 10),
      });
    } else if (recovered > 0 && mode === 'recover') {
      logger.warn('Events recovered from the trail: EventBridge had not delivered them', {
        bucket: file.bucket,
        key: file.key,
        recovered,
      });
    } else logger.info('Trail log file read', { ...outcome, problems: undefined });
    return outcome;
  }

  async function onSqs(event: {
    Records: readonly { messageId: string; body: string }[];
  }): Promise<SqsBatchResponse> {
    const failures: { itemIdentifier: string }[] = [];
    await mapLimit(event.Records, fileConcurrency, async (sqsRecord) => {
      const content = readMessageBody(sqsRecord.body);
      if (content.kind === 'test') return;
      if (content.kind === 'malformed') {
        // Kept, not acknowledged: after the retries it waits in the dead-letter queue for a person.
        logger.error('Unreadable message on the trail-file queue', {
          messageId: sqsRecord.messageId,
          reason: content.reason,
        });
        metrics.addMetric(METRIC.malformedEvents, 'Count', 1);
        failures.push({ itemIdentifier: sqsRecord.messageId });
        return;
      }
      for (const file of content.files) {
        const outcome = await processFile(file, 'recover');
        if (outcome.status === 'failed') {
          failures.push({ itemIdentifier: sqsRecord.messageId });
          return;
        }
      }
    });
    metrics.publishStoredMetrics();
    return { batchItemFailures: failures };
  }

  async function onMapBatch(batch: MapBatch): Promise<BatchSummary> {
    const outcomes = await mapLimit(batch.Items, fileConcurrency, (item) =>
      processFile(
        { bucket: batch.BatchInput.bucket, key: item.Key, createdAtMs: null, writer: null },
        'backfill',
      ),
    );
    metrics.publishStoredMetrics();
    const failed = outcomes.filter((o) => o.status === 'failed');
    if (failed.length > 0)
      throw new TrailBatchError(
        `${failed.length} of ${outcomes.length} log files failed: ${failed
          .slice(0, 20)
          .map((o) => `${o.key} (${o.problems[0] ?? 'unknown'})`)
          .join('; ')}`.slice(0, 30_000),
      );
    const sum = (pick: (o: FileOutcome) => number) => outcomes.reduce((total, o) => total + pick(o), 0);
    return {
      files: outcomes.filter((o) => o.status === 'read').length,
      skipped: outcomes.filter((o) => o.status === 'skipped').length,
      events: sum((o) => o.events),
      watched: sum((o) => o.watched),
      written: sum((o) => o.recovered),
      alreadyRecorded: sum((o) => o.alreadyRecorded),
    };
  }

  /** The function's entry: an SQS batch, or a Distributed Map batch. */
  async function handle(event: unknown): Promise<SqsBatchResponse | BatchSummary | { unrecognized: true }> {
    const batch = MapBatchSchema.safeParse(event);
    if (batch.success) return onMapBatch(batch.data);
    const sqs = SqsEventSchema.safeParse(event);
    if (sqs.success) return onSqs(sqs.data);
    logger.error('Invocation is neither an SQS batch nor a backfill batch: nothing to read', {
      keys: typeof event === 'object' && event !== null ? Object.keys(event).slice(0, 20) : typeof event,
    });
    metrics.addMetric(METRIC.malformedEvents, 'Count', 1);
    metrics.publishStoredMetrics();
    return { unrecognized: true };
  }

  return { handle, processFile };
}
