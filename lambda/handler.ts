/** The Lambda handler: EventBridge CloudTrail events in, attribution rows (and alerts) out. */

import { type AttributionRecord, attribute, entriesOf } from './domain';
import type { AttributionStore } from './ports';
import { type Log, METRIC, type MetricSink } from './telemetry';

export interface HandlerDeps {
  readonly store: AttributionStore;
  readonly logger: Log;
  readonly metrics: MetricSink;
  readonly clock: () => Date;
  /** Days to keep rows; undefined keeps them forever. */
  readonly retentionDays?: number | undefined;
}

export interface HandlerResult {
  readonly status: 'recorded' | 'skipped' | 'malformed';
  readonly written: number;
  readonly duplicates: number;
}

function outline(event: unknown): Record<string, unknown> {
  if (Array.isArray(event)) return { type: 'array', length: event.length };
  if (typeof event !== 'object' || event === null) return { type: event === null ? 'null' : typeof event };
  return { type: 'object', keys: Object.keys(event).slice(0, 20) };
}

function caller(records: readonly AttributionRecord[]): string | null {
  const actor = records[0]?.actor;
  return actor?.arn ?? actor?.name ?? null;
}

/**
 * Builds the handler. A malformed event is logged, counted and acknowledged, since retrying
 * cannot fix it; a failure of the store is rethrown so Lambda retries and, in the end, the
 * event lands in the dead-letter queue instead of being lost.
 */
export function createHandler(deps: HandlerDeps): (event: unknown) => Promise<HandlerResult> {
  const { store, logger, metrics, clock } = deps;

  return async function handle(event: unknown): Promise<HandlerResult> {
    logger.resetKeys();
    try {
      const entries = [...entriesOf(event)];
      const entry = entries[0];
      if (entries.length !== 1 || entry === undefined || entry.kind !== 'record') {
        const reason =
          entry?.kind === 'unrecognized'
            ? entry.reason
            : `expected one CloudTrail event, found ${entries.length}`;
        // Only the event's outline is logged: a malformed event may carry anything, secrets included.
        logger.error('Malformed event acknowledged without processing', { reason, outline: outline(event) });
        metrics.addMetric(METRIC.malformedEvents, 'Count', 1);
        return { status: 'malformed', written: 0, duplicates: 0 };
      }

      const result = attribute(entry.record, entry.context);
      if (result.kind === 'skipped') {
        logger.info('Event skipped', { reason: result.reason, detail: result.detail });
        metrics.addMetric(
          result.reason === 'not-lifecycle' ? METRIC.eventsSkipped : METRIC.malformedEvents,
          'Count',
          1,
        );
        return {
          status: result.reason === 'not-lifecycle' ? 'skipped' : 'malformed',
          written: 0,
          duplicates: 0,
        };
      }

      const { records } = result;
      logger.appendKeys({
        eventId: records[0]?.eventKey,
        principal: caller(records),
        action: records[0]?.action,
      });
      for (const record of records) {
        if (record.warnings.length > 0)
          logger.warn('Record has warnings', { instanceId: record.instanceId, warnings: record.warnings });
      }

      const { written, duplicates } = await store.putRecords(records, {
        ingestedBy: 'live',
        now: clock(),
        retentionDays: deps.retentionDays,
      });
      metrics.addMetric(METRIC.eventsProcessed, 'Count', 1);
      metrics.addMetric(METRIC.recordsWritten, 'Count', written);
      metrics.addMetric(METRIC.duplicatesSkipped, 'Count', duplicates);
      logger.info('Event recorded', { written, duplicates, instances: records.map((r) => r.instanceId) });
      return { status: 'recorded', written, duplicates };
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
