/**
 * One alert, sent at most once: claimed in the ledger, then (by the invocation that holds the
 * claim) remediated, put on the event bus, reported to Security Hub, rendered and published.
 */

import { AlertInFlightError, type AlertSender, type SendOutcome } from '../alerts/alert-sender';
import {
  type AttributionRecord,
  asLateArrival,
  type LateArrival,
  renderAlert,
  type Violation,
} from '../domain';
import type { RuleId } from '../domain/policy/schema';
import { withRemediation } from '../domain/remediation/alert';
import { violationEvent } from '../domain/violation-event';
import type { ViolationFindings } from '../findings/finding-reporter';
import type { AccountDirectory, AlertClaim, ViolationBus } from '../ports';
import type { Remediator } from '../remediation/remediator';
import { type Log, METRIC, type MetricSink } from '../telemetry';
import type { RunMode } from './run-mode';

export { AlertInFlightError };

export interface EventAlertParts {
  readonly sender: AlertSender;
  /** The policy's advice per rule, for the alert's text. */
  readonly advice: Readonly<Record<RuleId, string>>;
  readonly mode: RunMode;
  readonly logger: Log;
  readonly metrics: MetricSink;
  readonly findings: ViolationFindings | null;
  readonly remediator?: Remediator | undefined;
  readonly violationBus?: ViolationBus | undefined;
  readonly accounts?: AccountDirectory | undefined;
  /** How long an alert waits for an account name before going out without it. @default 500 ms */
  readonly accountNameTimeoutMs?: number | undefined;
}

/** What one alert is about. */
export interface AlertSubject {
  readonly key: string;
  readonly about: readonly AttributionRecord[];
  readonly violations: readonly Violation[];
  readonly expiresAt: number | undefined;
  readonly late: Promise<LateArrival | null>;
  /** The launch's own alert remediates; an alert about a protected instance does not. */
  readonly remediate: boolean;
}

export class EventAlerts {
  constructor(private readonly parts: EventAlertParts) {}

  claim(key: string, expiresAt: number | undefined): Promise<AlertClaim> {
    return this.parts.sender.claim(key, expiresAt);
  }

  abandon(key: string, claim: Promise<AlertClaim>): Promise<void> {
    return this.parts.sender.abandon(key, claim);
  }

  /** Sends the alert under its key, with the claim taken already or taken now. */
  async send(subject: AlertSubject, claimed: Promise<AlertClaim> | null): Promise<SendOutcome> {
    const { about, violations } = subject;
    const claim = claimed ?? this.claim(subject.key, subject.expiresAt);
    const [name, lateness] = await Promise.all([this.accountName(about[0]?.account ?? null), subject.late]);
    return this.parts.sender.send(subject.key, claim, async () => {
      const { remediator, mode } = this.parts;
      const remediation =
        subject.remediate && remediator && mode.acts ? await remediator.remediate(about, violations) : null;
      await this.putViolationEvent(about, violations);
      await this.parts.findings?.report(about, violations);
      const plain = renderAlert(about, violations, { accountName: name, advice: this.parts.advice });
      const message = remediation ? withRemediation(plain, remediation) : plain;
      return lateness ? asLateArrival(message, lateness) : message;
    });
  }

  /** The account's name, or null after the timeout: a slow directory never holds an alert back for long. */
  private accountName(account: string | null): Promise<string | null> {
    const directory = this.parts.accounts;
    if (!directory || account === null) return Promise.resolve(null);
    return Promise.race([
      directory.nameOf(account).catch(() => null),
      new Promise<null>((resolve) =>
        setTimeout(() => resolve(null), this.parts.accountNameTimeoutMs ?? 500).unref(),
      ),
    ]);
  }

  /** Puts the violation on the bus; a refusal is logged and counted, never holds back the alert. */
  private async putViolationEvent(
    about: readonly AttributionRecord[],
    violations: readonly Violation[],
  ): Promise<void> {
    const { violationBus: bus, metrics, logger } = this.parts;
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
}
