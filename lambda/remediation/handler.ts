/**
 * The remediation function, invoked by a one-time schedule at a violation's deadline: it reads
 * the instances again, stops those still running, marked and neither acknowledged nor
 * protected, records one row per instance, and sends one alert saying what it did.
 */

import { AlertSender } from '../alerts/alert-sender';
import type { RemediationDetail } from '../domain';
import { renderStopAlert, type StopResult } from '../domain/remediation/alert';
import { decideStops, type InstanceNow } from '../domain/remediation/decide';
import type { StopRequest } from '../domain/remediation/plan';
import { remediationRecord } from '../domain/remediation/rows';
import type { RemediationSettings } from '../domain/remediation/settings';
import type { AlertLedger, AlertPublisher, AttributionStore, InstanceActions } from '../ports';
import { ALERT_MARKER_MIN_DAYS } from '../schema/attribution-table';
import { type Log, METRIC, type MetricSink } from '../telemetry';
import { parseStopRequest } from './stop-request';

export interface RemediationHandlerDeps {
  /** The deployed policy's settings now; null when it no longer remediates anything. */
  readonly settings: RemediationSettings | null;
  readonly actions: InstanceActions;
  readonly store: AttributionStore;
  readonly publisher: AlertPublisher;
  readonly ledger: AlertLedger;
  readonly logger: Log;
  readonly metrics: MetricSink;
  readonly clock: () => Date;
  readonly retentionDays?: number | undefined;
}

export interface RemediationResult {
  readonly status: 'done' | 'malformed';
  readonly stopped: readonly string[];
  readonly kept: readonly string[];
  readonly failed: readonly string[];
}

/** The alert ledger key of a schedule's alert: one alert per schedule, whatever the retries. */
export const STOP_ALERT_PREFIX = 'remediate-stop#';

function detailOf(request: StopRequest, mode: RemediationDetail['mode']) {
  return (decision: RemediationDetail['decision'], reason: string): RemediationDetail => ({
    step: 'stop',
    decision,
    mode,
    rules: request.rules,
    reason,
    deadline: request.at,
    launchEventKey: request.eventKey,
    launchedBy: request.launchedBy,
  });
}

/**
 * Builds the handler. A request that is not ec2trail's is logged, counted and acknowledged: a
 * retry cannot fix it, and stopping nothing is the safe answer. A failure to read the instances,
 * to store the rows or to publish is thrown, so Scheduler retries and then dead-letters it; the
 * stop itself is safe to repeat (a stopping instance is no longer running, so it is not stopped twice).
 */
export function createRemediationHandler(
  deps: RemediationHandlerDeps,
): (event: unknown) => Promise<RemediationResult> {
  const { logger, metrics } = deps;
  const sender = new AlertSender({
    ledger: deps.ledger,
    publisher: deps.publisher,
    logger,
    metrics,
    clock: deps.clock,
  });

  return async function handle(event: unknown): Promise<RemediationResult> {
    logger.resetKeys();
    try {
      const parsed = parseStopRequest(event);
      if (!parsed.ok) {
        logger.error('Stop request not understood: nothing stopped', {
          problems: parsed.problems.slice(0, 10),
        });
        metrics.addMetric(METRIC.malformedEvents, 'Count', 1);
        return { status: 'malformed', stopped: [], kept: [], failed: [] };
      }
      const { request } = parsed;
      logger.appendKeys({ eventId: request.eventKey, schedule: request.name });
      const where = { account: request.account, region: request.region };
      const enforcing = deps.settings?.mode === 'enforce';
      // In a dry run nothing is read either: no EC2 call is made that is not needed.
      const found: ReadonlyMap<string, InstanceNow> = enforcing
        ? await deps.actions.describe(where, request.instanceIds)
        : new Map();
      const decisions = decideStops(request, found, deps.settings);
      const toStop = decisions.flatMap((d) => (d.stop ? [d.instanceId] : []));
      const answer = await deps.actions.stop(where, toStop);
      const result: StopResult = { decisions, stopped: answer.stopped, failed: answer.failed };

      const detail = detailOf(request, enforcing ? 'enforce' : 'dry-run');
      const rows = decisions.map((d) => {
        const failed = answer.failed.find((f) => f.instanceId === d.instanceId);
        const decision: RemediationDetail = d.stop
          ? failed
            ? detail('failed', `StopInstances failed: ${failed.code}`)
            : detail('stopped', `broke ${request.rules.join(', ')}; not acknowledged by the deadline`)
          : d.code === 'dry-run'
            ? detail('would-stop', d.reason)
            : detail('not-stopped', d.reason);
        return remediationRecord({
          instanceId: d.instanceId,
          account: request.account,
          region: request.region,
          time: request.at,
          detail: decision,
          errorCode: failed?.code ?? null,
        });
      });
      await deps.store.putRecords(rows, {
        ingestedBy: 'live',
        now: deps.clock(),
        retentionDays: deps.retentionDays,
      });

      if (answer.stopped.length > 0)
        metrics.addMetric(METRIC.instancesStopped, 'Count', answer.stopped.length);
      if (answer.failed.length > 0) metrics.addMetric(METRIC.remediationFailures, 'Count', 1);
      const key = `${STOP_ALERT_PREFIX}${request.name}#${request.eventKey}`;
      // The marker only has to outlive the schedule's retries (an hour); the rows are the record.
      const claim = sender.claim(
        key,
        Math.floor(deps.clock().getTime() / 1000) + ALERT_MARKER_MIN_DAYS * 86_400,
      );
      await sender.send(key, claim, () => renderStopAlert(request, result));
      const kept = decisions.flatMap((d) => (d.stop ? [] : [d.instanceId]));
      logger.info('Deadline reached', {
        stopped: answer.stopped,
        failed: answer.failed,
        kept: decisions.flatMap((d) => (d.stop ? [] : [{ instanceId: d.instanceId, code: d.code }])),
      });
      return {
        status: 'done',
        stopped: answer.stopped,
        kept,
        failed: answer.failed.map((f) => f.instanceId),
      };
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
