/** The Lambda handler: EventBridge CloudTrail events in, attribution rows and policy alerts out. */

import { MemoryLineageStore } from './adapters/memory-lineage-store';
import { AlertSender } from './alerts/alert-sender';
import {
  type AttributionRecord,
  adviceOf,
  type CompiledPolicy,
  highestSeverity,
  type Violation,
} from './domain';
import { Linker } from './lineage/linker';
import { EventAlerts } from './pipeline/event-alerts';
import type { LaunchAction, LaunchActionFactory } from './pipeline/launch-action';
import { type AlertSummary, eventRecorder } from './pipeline/record-event';
import { runModeOf } from './pipeline/run-mode';
import { triage } from './pipeline/triage';
import type {
  AccountDirectory,
  AlertLedger,
  AlertPublisher,
  AttributionStore,
  LineageStore,
  PolicyLookups,
} from './ports';
import type { IngestedBy } from './schema/attribution-table';
import { type Log, METRIC, type MetricSink } from './telemetry';

export interface HandlerDeps {
  readonly store: AttributionStore & PolicyLookups;
  readonly publisher: AlertPublisher;
  readonly ledger: AlertLedger;
  readonly policy: CompiledPolicy;
  readonly logger: Log;
  readonly metrics: MetricSink;
  readonly clock: () => Date;
  /** Days to keep rows; undefined keeps them forever. */
  readonly retentionDays?: number | undefined;
  /** How long a claim on an alert holds before a retry may take it over. @default 60 s */
  readonly alertLeaseMs?: number;
  /** Waits between attempts at marking a published alert sent. @default real timers */
  readonly sleep?: (ms: number) => Promise<void>;
  /**
   * What rows written by this handler say about their origin. @default 'live'
   * With 'trail' the events come from the trail's log files, late: their alerts say how late.
   */
  readonly ingestedBy?: IngestedBy;
  /**
   * A live event delivered more than this after its call is alerted as late (never texted).
   * @default LATE_AFTER_SECONDS (one hour)
   */
  readonly lateAfterSeconds?: number;
  /** Account names for alerts, when the deploy may read AWS Organizations. */
  readonly accounts?: AccountDirectory;
  /** How long an alert waits for an account name before going out without it. @default 500 ms */
  readonly accountNameTimeoutMs?: number;
  /** Where causes and effects of service calls are linked. @default in memory (this process only) */
  readonly lineage?: LineageStore;
  /**
   * What the deploy does beside the row and the alert (owner tags, remediation, violation
   * events, Security Hub findings), in order: bound to the pipeline once, and run for live and
   * recovered events only. @default none
   */
  readonly actions?: readonly LaunchActionFactory[];
}

export interface HandlerResult {
  readonly status: 'recorded' | 'skipped' | 'malformed';
  readonly written: number;
  readonly duplicates: number;
  readonly violations: readonly Violation[];
  readonly alert: AlertSummary;
}

export { AlertInFlightError } from './alerts/alert-sender';
export { PROTECTED_ALERT_PREFIX } from './pipeline/record-event';

const NOTHING = { written: 0, duplicates: 0, violations: [], alert: 'none' } as const;

/**
 * Builds the handler. A malformed event is logged, counted and acknowledged, since retrying
 * cannot fix it. A failure of the store or of SNS is rethrown, so Lambda retries and, in the
 * end, the event lands in the dead-letter queue instead of being lost. Rows are written with
 * conditions and alerts through a ledger, so a retry neither doubles a row nor re-sends an alert.
 */
export function createHandler(deps: HandlerDeps): (event: unknown) => Promise<HandlerResult> {
  const { logger, metrics } = deps;
  const { linker, actions, record } = pipelineOf(deps);
  return async function handle(event: unknown): Promise<HandlerResult> {
    logger.resetKeys();
    try {
      const triaged = triage(event, logger, metrics);
      if (triaged.kind !== 'records') return { status: triaged.kind, ...NOTHING };
      const records = await linker.resolve(triaged.records);
      announce(records, logger);
      const { written: writeResult, alerted: alertResult } = await record(records);
      if (writeResult.status === 'rejected') throw writeResult.reason;
      const { written, duplicates } = writeResult.value;
      metrics.addMetric(METRIC.eventsProcessed, 'Count', 1);
      metrics.addMetric(METRIC.recordsWritten, 'Count', written);
      metrics.addMetric(METRIC.duplicatesSkipped, 'Count', duplicates);
      if (alertResult.status === 'rejected') throw alertResult.reason;
      const { violations, alert } = alertResult.value;
      if (alert === 'sent') metrics.addMetric(METRIC.alertsPublished, 'Count', 1);
      for (const action of actions) await action.afterRecord?.(records, { repeat: written === 0 });
      logger.info('Event recorded', {
        written,
        duplicates,
        instances: records.map((r) => r.instanceId),
        violations: violations.map((v) => v.rule),
        severity: highestSeverity(violations),
        alert,
      });
      return { status: 'recorded', written, duplicates, violations, alert };
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

/** The parts of the pipeline, built once per handler; the run mode is decided here, once. */
function pipelineOf(deps: HandlerDeps) {
  const { store, policy, logger, metrics, clock } = deps;
  const mode = runModeOf(deps.ingestedBy);
  const advice = adviceOf(policy);
  const linker = new Linker(deps.lineage ?? new MemoryLineageStore());
  const pipeline = { history: store.history.bind(store), policy, advice, logger, metrics, clock };
  const actions: LaunchAction[] = mode.acts ? (deps.actions ?? []).map((bind) => bind(pipeline)) : [];
  const sender = new AlertSender({
    ledger: deps.ledger,
    publisher: deps.publisher,
    logger,
    metrics,
    clock,
    ...(deps.alertLeaseMs !== undefined ? { leaseMs: deps.alertLeaseMs } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
  const alerts = new EventAlerts({
    sender,
    advice,
    actions,
    accounts: deps.accounts,
    accountNameTimeoutMs: deps.accountNameTimeoutMs,
  });
  const record = eventRecorder({
    store,
    policy,
    linker,
    alerts,
    mode,
    clock,
    retentionDays: deps.retentionDays,
    lateAfterSeconds: deps.lateAfterSeconds,
  });
  return { linker, actions, record };
}

/** Names the event in every later log line, and logs the records' warnings. */
function announce(records: readonly AttributionRecord[], logger: Log): void {
  const first = records[0];
  logger.appendKeys({
    eventId: first?.eventKey,
    principal: first?.actor.arn ?? first?.actor.name ?? null,
    action: first?.action,
  });
  for (const record of records) {
    if (record.warnings.length > 0)
      logger.warn('Record has warnings', { instanceId: record.instanceId, warnings: record.warnings });
  }
}
