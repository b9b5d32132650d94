/**
 * One alert, sent at most once: claimed in the ledger, then (by the invocation that holds the
 * claim) handed to the launch actions, rendered with what they did, and published.
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
import type { AccountDirectory, AlertClaim } from '../ports';
import type { AlertRevision, LaunchAction } from './launch-action';

export { AlertInFlightError };

export interface EventAlertParts {
  readonly sender: AlertSender;
  /** The policy's advice per rule, for the alert's text. */
  readonly advice: Readonly<Record<RuleId, string>>;
  /** The deploy's launch actions, in order; none for a backfill or a replay. */
  readonly actions: readonly LaunchAction[];
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
  /** The launch's own alert; false for an alert about a protected instance's stop or terminate. */
  readonly launch: boolean;
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
      const revisions: AlertRevision[] = [];
      for (const action of this.parts.actions) {
        const revision = await action.beforeAlert?.({ about, violations, launch: subject.launch });
        if (revision) revisions.push(revision);
      }
      const plain = renderAlert(about, violations, { accountName: name, advice: this.parts.advice });
      const message = revisions.reduce((text, revise) => revise(text), plain);
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
}
