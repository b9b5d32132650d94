/**
 * Remediation at launch time: plan, then (in enforce mode) schedule the stops and mark the
 * instances, then record what was done as rows. Never throws: a failed step is logged, counted
 * and said in the alert, and an instance whose stop was not scheduled, or that was not marked,
 * is not stopped (the deadline's check and the IAM condition both need the mark).
 */

import type { AttributionRecord, RemediationDetail } from '../domain';
import type { Violation } from '../domain/policy/evaluate';
import type { RemediationOutcome } from '../domain/remediation/alert';
import type { InstanceEvidence } from '../domain/remediation/evidence';
import { planRemediation, type RemediationPlan, verifiedPlan } from '../domain/remediation/plan';
import { remediationRecord } from '../domain/remediation/rows';
import { DEADLINE_TAG, type RemediationSettings } from '../domain/remediation/settings';
import type { AttributionStore, InstanceActions, StopScheduler } from '../ports';
import type { IngestedBy } from '../schema/attribution-table';
import { type Log, METRIC, type MetricSink } from '../telemetry';

export interface RemediatorDeps {
  readonly settings: RemediationSettings;
  /** The account whose instances this deploy may tag and stop. */
  readonly homeAccount: string;
  /** Present in enforce mode only: a dry run has no EC2 or Scheduler client at all. */
  readonly actions?: InstanceActions;
  readonly scheduler?: StopScheduler;
  readonly store: AttributionStore;
  readonly logger: Log;
  readonly metrics: MetricSink;
  readonly clock: () => Date;
  readonly ingestedBy: IngestedBy;
  readonly retentionDays?: number | undefined;
  /** Waits between looks for an instance EC2 does not show yet (eventual consistency). @default real timers */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Looks for instances EC2 does not show yet, right after their launch: 1 s, 2 s, 4 s apart. */
const LOOK_AGAIN_MS = [1_000, 2_000, 4_000];
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const message = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

export class Remediator {
  constructor(private readonly deps: RemediatorDeps) {}

  /** What remediation did about one event's own violations; null when it had nothing to do. */
  async remediate(
    records: readonly AttributionRecord[],
    violations: readonly Violation[],
  ): Promise<RemediationOutcome | null> {
    const { settings, logger } = this.deps;
    let plan = planRemediation(records, violations, settings, this.deps.clock());
    if (!plan) return null;
    let outcome: RemediationOutcome;
    if (plan.account !== this.deps.homeAccount) {
      outcome = { plan, status: 'not-ours', deadline: null, tagged: [], scheduled: [], problems: [] };
    } else if (settings.mode !== 'enforce' || !this.deps.actions || !this.deps.scheduler) {
      outcome = { plan, status: 'dry-run', deadline: plan.deadline, tagged: [], scheduled: [], problems: [] };
    } else {
      outcome = await this.enforce(plan, this.deps.actions, this.deps.scheduler);
    }
    // The rows and the alert tell of the plan as checked against EC2, not as first drawn.
    plan = outcome.plan;
    const problems = [...outcome.problems, ...(await this.record(outcome))];
    if (problems.length > 0) {
      this.deps.metrics.addMetric(METRIC.remediationFailures, 'Count', 1);
      logger.error('Remediation incomplete: what was not scheduled or marked will not be stopped', {
        eventKey: plan.eventKey,
        problems: problems.slice(0, 10),
      });
    }
    logger.info('Remediation', {
      mode: plan.mode,
      status: outcome.status,
      rules: plan.rules,
      remedy: plan.remedy,
      deadline: outcome.deadline,
      tagged: outcome.tagged,
      scheduled: outcome.scheduled,
      untouched: plan.untouched,
      notStopped: plan.notStopped,
    });
    return {
      ...outcome,
      problems,
      status: problems.length > 0 && outcome.status === 'done' ? 'failed' : outcome.status,
    };
  }

  /** EC2's view of the plan's instances, looking again for those not shown yet; throws when EC2 cannot answer. */
  private async evidence(
    plan: RemediationPlan & { account: string; region: string },
    actions: InstanceActions,
  ): Promise<ReadonlyMap<string, InstanceEvidence>> {
    const where = { account: plan.account, region: plan.region };
    const found = new Map<string, InstanceEvidence>(await actions.describe(where, plan.tagged));
    for (const wait of LOOK_AGAIN_MS) {
      const missing = plan.tagged.filter((id) => !found.has(id));
      if (missing.length === 0) break;
      await (this.deps.sleep ?? realSleep)(wait);
      for (const [id, instance] of await actions.describe(where, missing)) found.set(id, instance);
    }
    return found;
  }

  private async enforce(
    drawn: RemediationPlan,
    actions: InstanceActions,
    scheduler: StopScheduler,
  ): Promise<RemediationOutcome> {
    let plan = drawn;
    if (plan.tagged.length > 0 && plan.account !== null && plan.region !== null) {
      // Nothing is marked or scheduled before EC2 shows each instance to be the launch's own.
      try {
        plan = verifiedPlan(
          plan,
          await this.evidence({ ...plan, account: plan.account, region: plan.region }, actions),
        );
      } catch (error) {
        const reason = `not verified: EC2 could not describe it (${message(error)})`;
        plan = {
          ...plan,
          tagged: [],
          stops: [],
          deadline: null,
          notStopped: [],
          untouched: [...plan.untouched, ...plan.tagged.map((instanceId) => ({ instanceId, reason }))],
        };
        return {
          plan,
          status: 'failed',
          deadline: null,
          tagged: [],
          scheduled: [],
          problems: [`DescribeInstances: ${message(error)}`],
        };
      }
    }
    const problems: string[] = [];
    const scheduled: string[] = [];
    let deadline: string | null = null;
    // Schedules first: a retry finds the schedule made before and keeps its time, and the
    // deadline tag then says the time the schedule really has.
    for (const stop of plan.stops) {
      try {
        const answer = await scheduler.schedule(stop);
        deadline ??= answer.at;
        scheduled.push(...stop.instanceIds);
        if (answer.created) this.deps.metrics.addMetric(METRIC.stopsScheduled, 'Count', 1);
      } catch (error) {
        problems.push(`schedule ${stop.name}: ${message(error)}`);
      }
    }
    const tags = plan.tags.map((t) => (t.key === DEADLINE_TAG && deadline ? { ...t, value: deadline } : t));
    const tagged: string[] = [];
    if (plan.tagged.length > 0 && plan.account !== null && plan.region !== null) {
      const code = await actions.tag({ account: plan.account, region: plan.region }, plan.tagged, tags);
      if (code === null) {
        tagged.push(...plan.tagged);
        this.deps.metrics.addMetric(METRIC.instancesRemediationTagged, 'Count', plan.tagged.length);
      } else problems.push(`CreateTags ${plan.tags.map((t) => t.key).join(', ')}: ${code}`);
    }
    return { plan, status: problems.length > 0 ? 'failed' : 'done', deadline, tagged, scheduled, problems };
  }

  /** One row per instance of the launch; the problems of writing them. */
  private async record(outcome: RemediationOutcome): Promise<string[]> {
    const { plan } = outcome;
    const optOuts = new Map(
      [...plan.untouched, ...plan.notStopped].flatMap((l) =>
        l.optOut ? [[l.instanceId, l.optOut] as const] : [],
      ),
    );
    const kept = new Map(plan.notStopped.map((l) => [l.instanceId, l.reason]));
    const detail = (
      decision: RemediationDetail['decision'],
      reason: string,
      instanceId?: string,
    ): RemediationDetail => {
      const optOut = instanceId === undefined ? undefined : optOuts.get(instanceId);
      return {
        step: 'tag',
        decision,
        mode: plan.mode,
        rules: plan.rules,
        reason,
        deadline: outcome.deadline ?? plan.deadline,
        launchEventKey: plan.eventKey,
        launchedBy: plan.launchedBy,
        ...(optOut ? { launcherOptOut: optOut } : {}),
      };
    };
    // "broke instanceType; not stopped: acknowledged by the launcher at launch: ec2trail:ack=…"
    const why = (id: string, base: string) => {
      const reason = kept.get(id);
      return reason ? `${base}; not stopped: ${reason}` : base;
    };
    const broke = `broke ${plan.rules.join(', ')}`;
    const rows: AttributionRecord[] = [];
    const row = (instanceId: string, d: RemediationDetail, errorCode: string | null = null) =>
      rows.push(
        remediationRecord({
          instanceId,
          account: plan.account,
          region: plan.region,
          time: plan.launchTime,
          detail: d,
          errorCode,
        }),
      );
    for (const left of plan.untouched)
      row(left.instanceId, detail('left-alone', left.reason, left.instanceId));
    if (outcome.status === 'not-ours') {
      for (const id of plan.tagged)
        row(id, detail('left-alone', 'in another account than this deploy remediates in'));
    } else if (outcome.status === 'dry-run') {
      for (const id of plan.tagged)
        row(id, detail('would-tag', why(id, `${broke}; dry run, nothing changed`), id));
    } else {
      for (const id of plan.tagged) {
        const stopping = outcome.scheduled.includes(id);
        if (outcome.tagged.includes(id))
          row(id, detail('tagged', stopping ? `${broke}; stop scheduled` : why(id, broke), id));
        else row(id, detail('failed', `${broke}; could not be tagged`, id), 'CreateTagsFailed');
      }
    }
    if (rows.length === 0) return [];
    try {
      await this.deps.store.putRecords(rows, {
        ingestedBy: this.deps.ingestedBy,
        now: this.deps.clock(),
        retentionDays: this.deps.retentionDays,
      });
      return [];
    } catch (error) {
      return [`remediation rows: ${message(error)}`];
    }
  }
}
