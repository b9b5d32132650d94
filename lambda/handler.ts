/** The Lambda handler: EventBridge CloudTrail events in, attribution rows and policy alerts out. */

import { MemoryLineageStore } from './adapters/memory-lineage-store';
import { AlertSender, type SendOutcome } from './alerts/alert-sender';
import {
  type AttributionRecord,
  adviceOf,
  asLateArrival,
  attribute,
  byEventAbout,
  type CompiledPolicy,
  entriesOf,
  evaluate,
  factsNeeded,
  highestSeverity,
  LATE_AFTER_SECONDS,
  type LateArrival,
  renderAlert,
  type Violation,
} from './domain';
import { type OwnerTagSettings, planOwnerTags } from './domain/owner-tags';
import { withRemediation } from './domain/remediation/alert';
import { violationEvent } from './domain/violation-event';
import type { FindingReporterShared, ViolationFindings } from './findings/finding-reporter';
import { Linker } from './lineage/linker';
import { loadFacts, needsLookups } from './policy-facts';
import type {
  AccountDirectory,
  AlertClaim,
  AlertLedger,
  AlertPublisher,
  AttributionStore,
  LineageStore,
  OwnerTagger,
  PolicyLookups,
  ViolationBus,
} from './ports';
import type { Remediator } from './remediation/remediator';
import { alertMarkerExpiry, type IngestedBy, rowExpiry } from './schema/attribution-table';
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
  /** Owner tags on launched resources (config `ownerTags`); written for live and recovered events only. */
  readonly ownerTags?: { readonly settings: OwnerTagSettings; readonly tagger: OwnerTagger };
  /**
   * Remediation of launches that break a rule with `remediate` (live and recovered events only):
   * it runs just before the launch's alert is published, by the invocation that holds the alert's
   * claim, so the alert can say what will happen and a redelivery does not act again.
   */
  readonly remediator?: Remediator;
  /**
   * Where each alerted violation is also put as an event for other tools (EventBridge's default
   * bus): by the invocation that holds the alert's claim, before it publishes, so at least once.
   */
  readonly violationBus?: ViolationBus;
  /**
   * Security Hub findings (config `securityHub`): imported beside the violation event, and the
   * launch findings of an instance archived when it is terminated (live and recovered events).
   */
  readonly securityHub?: (shared: FindingReporterShared) => ViolationFindings;
}

export interface HandlerResult {
  readonly status: 'recorded' | 'skipped' | 'malformed';
  readonly written: number;
  readonly duplicates: number;
  readonly violations: readonly Violation[];
  readonly alert: 'sent' | 'already-sent' | 'none';
}

export { AlertInFlightError } from './alerts/alert-sender';

/** The key prefix of alerts about a protected instance's stop or terminate (`protected#<eventKey>`). */
export const PROTECTED_ALERT_PREFIX = 'protected#';

function outline(event: unknown): Record<string, unknown> {
  if (Array.isArray(event)) return { type: 'array', length: event.length };
  if (typeof event !== 'object' || event === null) return { type: event === null ? 'null' : typeof event };
  return { type: 'object', keys: Object.keys(event).slice(0, 20) };
}

const NOTHING = { written: 0, duplicates: 0, violations: [], alert: 'none' } as const;

/**
 * Builds the handler. A malformed event is logged, counted and acknowledged, since retrying
 * cannot fix it. A failure of the store or of SNS is rethrown, so Lambda retries and, in the
 * end, the event lands in the dead-letter queue instead of being lost. Rows are written with
 * conditions and alerts through a ledger, so a retry neither doubles a row nor re-sends an alert.
 */
export function createHandler(deps: HandlerDeps): (event: unknown) => Promise<HandlerResult> {
  const { store, policy, logger, metrics, clock } = deps;
  const advice = adviceOf(policy);
  const linker = new Linker(deps.lineage ?? new MemoryLineageStore());
  const acting = (deps.ingestedBy ?? 'live') === 'live' || deps.ingestedBy === 'trail';
  const findings =
    deps.securityHub && acting
      ? deps.securityHub({ history: (id) => store.history(id), policy, advice, logger, metrics, clock })
      : null;
  const sender = new AlertSender({
    ledger: deps.ledger,
    publisher: deps.publisher,
    logger,
    metrics,
    clock,
    ...(deps.alertLeaseMs !== undefined ? { leaseMs: deps.alertLeaseMs } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });

  /** Writes the launch's owner tags; logs and counts what could not be written, never throws. */
  async function tagOwner(records: readonly AttributionRecord[], repeat: boolean): Promise<void> {
    const owner = deps.ownerTags;
    const origin = deps.ingestedBy ?? 'live';
    if (!owner || (origin !== 'live' && origin !== 'trail')) return;
    const plan = planOwnerTags(records, owner.settings);
    if (!plan) return;
    const outcome = await owner.tagger.apply(plan, { repeat }).catch((error: unknown) => ({
      written: 0,
      kept: 0,
      problems: [error instanceof Error ? `${error.name}: ${error.message}` : String(error)],
    }));
    if ('notOurs' in outcome && outcome.notOurs) {
      logger.info('Owner tags not written: the instance is in another account', { account: plan.account });
      return;
    }
    if (outcome.written > 0) metrics.addMetric(METRIC.ownerTagsWritten, 'Count', outcome.written);
    if (outcome.kept > 0) metrics.addMetric(METRIC.ownerTagsKept, 'Count', outcome.kept);
    if (outcome.problems.length > 0) {
      metrics.addMetric(METRIC.ownerTagFailures, 'Count', 1);
      logger.error('Owner tags not written: the row and the alert are unaffected', {
        account: plan.account,
        region: plan.region,
        resources: plan.calls.flatMap((c) => c.resources).slice(0, 20),
        problems: outcome.problems.slice(0, 10),
      });
    }
  }

  /** The account's name, or null after the timeout: a slow directory never holds an alert back for long. */
  function accountName(account: string | null): Promise<string | null> {
    const directory = deps.accounts;
    if (!directory || account === null) return Promise.resolve(null);
    return Promise.race([
      directory.nameOf(account).catch(() => null),
      new Promise<null>((resolve) =>
        setTimeout(() => resolve(null), deps.accountNameTimeoutMs ?? 500).unref(),
      ),
    ]);
  }

  /** Puts the violation on the bus; a refusal is logged and counted, never holds back the alert. */
  async function putViolationEvent(
    about: readonly AttributionRecord[],
    violations: readonly Violation[],
  ): Promise<void> {
    const bus = deps.violationBus;
    if (!bus) return;
    try {
      await bus.put(violationEvent(about, violations));
      metrics.addMetric(METRIC.violationEventsPut, 'Count', 1);
    } catch (error) {
      metrics.addMetric(METRIC.violationEventFailures, 'Count', 1);
      logger.error('Violation event not put on the bus: the row and the alert are unaffected', {
        eventKey: about[0]?.eventKey,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }

  /** Sends the alert for `violations` about `about` under `key`, claimed already or now. */
  async function alertOnce(
    key: string,
    claimed: Promise<AlertClaim> | null,
    about: readonly AttributionRecord[],
    violations: readonly Violation[],
    expiresAt: number | undefined,
    late: Promise<LateArrival | null>,
    remediate: boolean,
  ): Promise<SendOutcome> {
    const claim = claimed ?? sender.claim(key, expiresAt);
    const [name, lateness] = await Promise.all([accountName(about[0]?.account ?? null), late]);
    return sender.send(key, claim, async () => {
      const origin = deps.ingestedBy ?? 'live';
      const remediation =
        remediate && deps.remediator && (origin === 'live' || origin === 'trail')
          ? await deps.remediator.remediate(about, violations)
          : null;
      await putViolationEvent(about, violations);
      await findings?.report(about, violations);
      const plain = renderAlert(about, violations, { accountName: name, advice });
      const message = remediation ? withRemediation(plain, remediation) : plain;
      return lateness ? asLateArrival(message, lateness) : message;
    });
  }

  /**
   * How late an event is: every event from the trail's log files (and whether the live path had
   * recorded it), and a live one delivered more than LATE_AFTER_SECONDS after the call.
   */
  function lateness(
    records: readonly AttributionRecord[],
    write: Promise<{ readonly written: number }>,
  ): Promise<LateArrival | null> {
    const eventTime = Date.parse(records[0]?.eventTime ?? '');
    if (Number.isNaN(eventTime)) return Promise.resolve(null);
    const lagSeconds = () => (clock().getTime() - eventTime) / 1000;
    const origin = deps.ingestedBy ?? 'live';
    if (origin === 'live')
      return Promise.resolve(
        lagSeconds() > (deps.lateAfterSeconds ?? LATE_AFTER_SECONDS)
          ? { lagSeconds: lagSeconds(), source: 'live', undelivered: false }
          : null,
      );
    if (origin !== 'trail') return Promise.resolve(null);
    return write.then(
      ({ written }) => ({ lagSeconds: lagSeconds(), source: 'trail' as const, undelivered: written > 0 }),
      () => null,
    );
  }

  /**
   * Everything one event needs, as concurrently as correctness allows: the write does not wait
   * for anything; the policy's lookups run beside it (history only once the rows are stored);
   * when rules that need no lookup already fire, the alert is claimed at once.
   */
  async function process(records: readonly AttributionRecord[]) {
    const first = records[0];
    const rowsExpire = first
      ? rowExpiry(first, { now: clock(), retentionDays: deps.retentionDays })
      : undefined;
    // The links are part of the write: a failure to record them fails the event, which is retried.
    const write = store
      .putRecords(records, {
        ingestedBy: deps.ingestedBy ?? 'live',
        now: clock(),
        retentionDays: deps.retentionDays,
      })
      .then(async (result) => {
        await linker.afterWrite(records, rowsExpire);
        return result;
      });
    const needed = factsNeeded(records, policy);
    const lookups = needsLookups(needed) ? loadFacts(records, needed, store, write) : Promise.resolve({});
    const markerExpiry = first
      ? alertMarkerExpiry(rowExpiry(first, { now: clock(), retentionDays: deps.retentionDays }), clock())
      : undefined;
    let early: Promise<AlertClaim> | null = null;
    if (first && needsLookups(needed) && evaluate(records, policy, {}).length > 0) {
      // Rules that need lookups only add violations: these will be alerted whatever the lookups say.
      early = sender.claim(first.eventKey, markerExpiry);
      early.catch(() => {});
    }
    const late = lateness(records, write);
    const alert = lookups.then(
      async (facts): Promise<{ violations: Violation[]; alert: HandlerResult['alert'] }> => {
        const violations = evaluate(records, policy, facts);
        const outcomes: SendOutcome[] = [];
        const own = violations.filter((v) => v.about === undefined);
        if (first && own.length > 0)
          outcomes.push(await alertOnce(first.eventKey, early, records, own, markerExpiry, late, true));
        else if (first && early) await sender.abandon(first.eventKey, early);
        // One alert per protected stop or terminate, under a key both it and its launch reach.
        for (const [eventKey, group] of byEventAbout(violations))
          outcomes.push(
            await alertOnce(
              `${PROTECTED_ALERT_PREFIX}${eventKey}`,
              null,
              group.about,
              group.violations,
              markerExpiry,
              late,
              false,
            ),
          );
        const alert = outcomes.includes('sent') ? 'sent' : outcomes.length > 0 ? 'already-sent' : 'none';
        return { violations, alert };
      },
      async (error: unknown) => {
        // A claim taken early must not outlive failed lookups: nothing was published, so the retry may alert at once.
        if (early && first) await sender.abandon(first.eventKey, early);
        throw error;
      },
    );
    const [written, alerted] = await Promise.allSettled([write, alert]);
    return { written, alerted };
  }

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
        return { status: 'malformed', ...NOTHING };
      }

      const result = attribute(entry.record, entry.context);
      if (result.kind === 'skipped') {
        if (result.reason === 'not-lifecycle') {
          logger.info('Event skipped: not a watched call', { detail: result.detail });
          metrics.addMetric(METRIC.eventsSkipped, 'Count', 1);
          return { status: 'skipped', ...NOTHING };
        }
        logger.error('Malformed event acknowledged without processing', {
          reason: result.detail,
          outline: outline(entry.record),
        });
        metrics.addMetric(METRIC.malformedEvents, 'Count', 1);
        return { status: 'malformed', ...NOTHING };
      }

      const records = await linker.resolve(result.records);
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

      const { written: writeResult, alerted: alertResult } = await process(records);
      if (writeResult.status === 'rejected') throw writeResult.reason;
      const { written, duplicates } = writeResult.value;
      metrics.addMetric(METRIC.eventsProcessed, 'Count', 1);
      metrics.addMetric(METRIC.recordsWritten, 'Count', written);
      metrics.addMetric(METRIC.duplicatesSkipped, 'Count', duplicates);
      if (alertResult.status === 'rejected') throw alertResult.reason;
      const { violations, alert } = alertResult.value;
      if (alert === 'sent') metrics.addMetric(METRIC.alertsPublished, 'Count', 1);
      // After the row and the alert, and never failing the event: a tag is a convenience, the row is the record.
      await tagOwner(records, written === 0);
      await findings?.archiveTerminated(records);
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
