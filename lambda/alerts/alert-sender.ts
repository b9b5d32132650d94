/**
 * One alert, sent once: claim it in the ledger, publish it, mark it sent. Once SNS has accepted
 * the message the alert counts as sent, whatever happens to the mark afterwards.
 */

import { backoffDelay } from '../adapters/backoff';
import { type AlertMessage, asPossibleRepeat } from '../domain/alert';
import type { AlertClaim, AlertLedger, AlertPublisher } from '../ports';
import { type Log, METRIC, type MetricSink } from '../telemetry';

/** Another invocation is sending this alert right now; retrying later is safe. */
export class AlertInFlightError extends Error {
  override readonly name = 'AlertInFlightError';
}

export interface AlertSenderDeps {
  readonly ledger: AlertLedger;
  readonly publisher: AlertPublisher;
  readonly logger: Log;
  readonly metrics: MetricSink;
  readonly clock: () => Date;
  /**
   * How long a claim holds before a later delivery may take it over. It must exceed the
   * function's timeout, so a live invocation is never overtaken. @default 60 s
   */
  readonly leaseMs?: number;
  /** Attempts at marking a published alert sent. @default 4 */
  readonly markAttempts?: number;
  /** Waits between mark attempts. @default 100 ms, then doubling */
  readonly sleep?: (ms: number) => Promise<void>;
}

export type SendOutcome = 'sent' | 'already-sent';

/**
 * The rules:
 * - a failed publish gives the claim back and rethrows, so the retry sends at once;
 * - after a successful publish the claim is never given back; the mark is retried with backoff,
 *   and a mark that still fails is logged and counted, not thrown (the alert did go out);
 * - a claim whose lease expired while pending is taken over, and the alert goes out flagged as a
 *   possible repeat: its earlier holder may have died after publishing (at least once, never
 *   silently twice, and never sooner than the lease after the first).
 */
export class AlertSender {
  private readonly leaseMs: number;
  private readonly markAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: AlertSenderDeps) {
    this.leaseMs = deps.leaseMs ?? 60_000;
    this.markAttempts = deps.markAttempts ?? 4;
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Claims the alert under `key`; the marker expires at `expiresAt` (epoch seconds) or never. */
  claim(key: string, expiresAt: number | undefined): Promise<AlertClaim> {
    return this.deps.ledger.claim(key, { now: this.deps.clock(), leaseMs: this.leaseMs, expiresAt });
  }

  /**
   * Sends the alert under a claim taken with `claim` (possibly still under way). `render` runs
   * only for the claim's holder, so what it does (remediation) happens once per alert sent.
   */
  async send(
    key: string,
    claimed: Promise<AlertClaim>,
    render: () => AlertMessage | Promise<AlertMessage>,
  ): Promise<SendOutcome> {
    const claim = await claimed;
    if (claim === 'already-sent') return claim;
    if (claim === 'in-flight')
      throw new AlertInFlightError(`the alert ${key} is being sent by another invocation`);
    const rendered = await render();
    const message = claim === 'reclaimed' ? asPossibleRepeat(rendered) : rendered;
    try {
      await this.deps.publisher.publish(message);
    } catch (error) {
      await this.deps.ledger.release(key).catch((releaseError: unknown) =>
        this.deps.logger.warn('Could not release the alert claim; the retry waits for the lease to expire', {
          alertKey: key,
          error: String(releaseError),
        }),
      );
      throw error;
    }
    if (claim === 'reclaimed') {
      this.deps.metrics.addMetric(METRIC.alertsPossiblyRepeated, 'Count', 1);
      this.deps.logger.warn('Alert sent under an expired claim, flagged as a possible repeat', {
        alertKey: key,
      });
    }
    await this.markSent(key, message);
    return 'sent';
  }

  /** Gives back a claim taken early whose alert will not be published now (its lookups failed). */
  async abandon(key: string, claimed: Promise<AlertClaim>): Promise<void> {
    const claim = await claimed.catch(() => null);
    if (claim === 'claimed' || claim === 'reclaimed') await this.deps.ledger.release(key).catch(() => {});
  }

  private async markSent(key: string, message: AlertMessage): Promise<void> {
    const summary = {
      severity: message.attributes.severity ?? 'info',
      rules: message.attributes.rules ?? '',
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deps.ledger.markSent(key, this.deps.clock(), summary);
        return;
      } catch (error) {
        if (attempt >= this.markAttempts) {
          this.deps.metrics.addMetric(METRIC.alertMarkFailures, 'Count', 1);
          this.deps.logger.error(
            'Alert published but not marked sent; a redelivery after the lease would send it again, flagged as a possible repeat',
            { alertKey: key, error: String(error) },
          );
          return;
        }
        await this.sleep(backoffDelay(attempt, { baseMs: 100 }));
      }
    }
  }
}
