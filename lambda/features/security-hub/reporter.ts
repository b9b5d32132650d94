/**
 * Security Hub findings of alerted violations, and their archiving when the instance goes.
 *
 * Findings follow the alert: imported by the invocation that holds the alert's claim, before it
 * publishes, so a retry after a failed publish imports the same ids again (an update, not a
 * copy). A terminate reads the instance's launch row and the launch alert's marker, which lists
 * the rules the alert named, and archives exactly those findings: no archived finding is ever
 * made up for a rule that never fired. Nothing here fails the event: a refused finding is
 * logged and counted (alarm `FindingImportFailures`), and the row and the alert stand.
 */

import type { AttributionRecord, Violation } from '../../domain';
import { RULE_IDS, type RuleId, SEVERITIES, type Severity } from '../../domain/policy/schema';
import {
  type AlertedLaunch,
  archivedFindings,
  type Finding,
  type FindingTarget,
  findingsFor,
} from '../../domain/security-hub/finding';
import type { LaunchActionFactory, PipelineContext } from '../../pipeline/launch-action';
import type { SentAlertLookup } from '../../ports';
import { SECURITY_HUB_METRICS } from './contract';
import type { FindingSink } from './port';

/** Terminated instances looked up at once: a terminate of hundreds must not flood the table. */
const LOOKUP_CONCURRENCY = 8;

/** Where the findings go, and where the alerts that were sent are read back. */
export interface SecurityHubSettings {
  readonly sink: FindingSink;
  readonly target: FindingTarget;
  readonly alerts: SentAlertLookup;
}

/** The reporter reads the pipeline's table, policy, advice, telemetry and clock. */
export type FindingReporterDeps = SecurityHubSettings & PipelineContext;

/**
 * The launch action: a claimed alert's violations imported before it publishes, and a
 * terminated instance's launch findings archived after its row is written.
 */
export function findingsAction(settings: SecurityHubSettings): LaunchActionFactory {
  return (pipeline) => {
    const reporter = new FindingReporter({ ...settings, ...pipeline });
    return {
      async beforeAlert({ about, violations }) {
        await reporter.report(about, violations);
        return null;
      },
      afterRecord: (records) => reporter.archiveTerminated(records),
    };
  };
}

const isRule = (rule: string): rule is RuleId => (RULE_IDS as readonly string[]).includes(rule);
const isSeverity = (value: string): value is Severity => (SEVERITIES as readonly string[]).includes(value);

async function inPool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

export class FindingReporter {
  constructor(private readonly deps: FindingReporterDeps) {}

  /** Imports the findings of one alert's violations. */
  async report(about: readonly AttributionRecord[], violations: readonly Violation[]): Promise<void> {
    const { target, advice, clock, logger, metrics } = this.deps;
    let findings: Finding[];
    try {
      findings = findingsFor(about, violations, { target, now: clock(), advice });
    } catch (error) {
      // A finding is extra: a record it cannot be built from must not hold back the alert.
      metrics.addMetric(SECURITY_HUB_METRICS.failures, 'Count', violations.length);
      logger.error('Findings not built: the row and the alert are unaffected', {
        eventKey: about[0]?.eventKey,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      return;
    }
    await this.send(findings, about[0]?.eventKey);
  }

  /** Archives the launch findings of the instances a successful terminate ended. */
  async archiveTerminated(records: readonly AttributionRecord[]): Promise<void> {
    const first = records[0];
    if (first?.action !== 'terminate' || first.outcome !== 'success') return;
    const { target, advice, clock, logger, metrics } = this.deps;
    const now = clock();
    const findings: Finding[] = [];
    const terminated = [
      ...new Map(records.flatMap((r) => (r.instanceId ? [[r.instanceId, r]] : []))).values(),
    ];
    await inPool(terminated, LOOKUP_CONCURRENCY, async (record) => {
      try {
        const launch = await this.alertedLaunchOf(record.instanceId as string);
        if (launch) findings.push(...archivedFindings(record, launch, { target, now, advice }));
      } catch (error) {
        metrics.addMetric(SECURITY_HUB_METRICS.failures, 'Count', 1);
        logger.error('Findings not archived: the launch of a terminated instance could not be read', {
          instanceId: record.instanceId,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
      }
    });
    await this.send(findings, first.eventKey);
  }

  /** The launch of `instanceId` and the rules its alert named; null when it had no alert. */
  private async alertedLaunchOf(instanceId: string): Promise<AlertedLaunch | null> {
    const history = await this.deps.history(instanceId);
    const launch = history.find((h) => h.action === 'launch' && h.outcome === 'success');
    if (!launch) return null;
    const sent = await this.deps.alerts.sentAlert(launch.eventKey);
    if (!sent) return null;
    const rules = sent.rules.filter(isRule);
    if (rules.length === 0) return null;
    const policy = this.deps.policy;
    return {
      instanceId,
      launchEventKey: launch.eventKey,
      launchedAt: launch.eventTime,
      launchedBy: launch.actorName,
      rules,
      // Each finding keeps its own severity: the policy's for the rule, the alert's when the rule is gone.
      severities: Object.fromEntries(rules.flatMap((r) => (policy[r] ? [[r, policy[r].severity]] : []))),
      alertSeverity: isSeverity(sent.severity) ? sent.severity : 'warning',
      alertSentAt: sent.sentAt,
    };
  }

  private async send(findings: readonly Finding[], eventKey: string | undefined): Promise<void> {
    if (findings.length === 0) return;
    const { sink, logger, metrics } = this.deps;
    const { imported, failed } = await sink.import(findings);
    if (imported > 0) metrics.addMetric(SECURITY_HUB_METRICS.imported, 'Count', imported);
    if (failed.length === 0) return;
    metrics.addMetric(SECURITY_HUB_METRICS.failures, 'Count', failed.length);
    logger.error('Findings not imported into Security Hub: the row and the alert are unaffected', {
      eventKey,
      failed: failed.length,
      // The first few are enough to tell a missing subscription from a malformed finding.
      errors: failed.slice(0, 5).map((f) => `${f.id}: ${f.code}: ${f.message}`),
    });
  }
}
