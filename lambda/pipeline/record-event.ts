/**
 * Everything one event needs, as concurrently as correctness allows: the write does not wait
 * for anything; the policy's lookups run beside it (history only once the rows are stored);
 * when rules that need no lookup already fire, the alert is claimed at once.
 */

import type { SendOutcome } from '../alerts/alert-sender';
import {
  type AttributionRecord,
  byEventAbout,
  type CompiledPolicy,
  evaluate,
  factsNeeded,
  type Violation,
} from '../domain';
import type { Linker } from '../lineage/linker';
import { loadFacts, needsLookups } from '../policy-facts';
import type { AlertClaim, AttributionStore, PolicyLookups } from '../ports';
import { alertMarkerExpiry, rowExpiry } from '../schema/attribution-table';
import type { EventAlerts } from './event-alerts';
import { lateness } from './lateness';
import type { RunMode } from './run-mode';

/** The key prefix of alerts about a protected instance's stop or terminate (`protected#<eventKey>`). */
export const PROTECTED_ALERT_PREFIX = 'protected#';

export interface EventRecorderParts {
  readonly store: AttributionStore & PolicyLookups;
  readonly policy: CompiledPolicy;
  readonly linker: Linker;
  readonly alerts: EventAlerts;
  readonly mode: RunMode;
  readonly clock: () => Date;
  readonly retentionDays?: number | undefined;
  readonly lateAfterSeconds?: number | undefined;
}

export type AlertSummary = 'sent' | 'already-sent' | 'none';

/** The outcome of the write and of the alerts, each settled: the caller decides what fails the event. */
export interface Recorded {
  readonly written: PromiseSettledResult<{ readonly written: number; readonly duplicates: number }>;
  readonly alerted: PromiseSettledResult<{ readonly violations: Violation[]; readonly alert: AlertSummary }>;
}

export function eventRecorder(
  parts: EventRecorderParts,
): (records: readonly AttributionRecord[]) => Promise<Recorded> {
  const { store, policy, linker, alerts, mode, clock } = parts;
  return async (records) => {
    const first = records[0];
    const expiry = () =>
      first ? rowExpiry(first, { now: clock(), retentionDays: parts.retentionDays }) : undefined;
    const rowsExpire = expiry();
    // The links are part of the write: a failure to record them fails the event, which is retried.
    const write = store
      .putRecords(records, { ingestedBy: mode.ingestedBy, now: clock(), retentionDays: parts.retentionDays })
      .then(async (result) => {
        await linker.afterWrite(records, rowsExpire);
        return result;
      });
    const needed = factsNeeded(records, policy);
    const lookups = needsLookups(needed) ? loadFacts(records, needed, store, write) : Promise.resolve({});
    const markerExpiry = first ? alertMarkerExpiry(expiry(), clock()) : undefined;
    let early: Promise<AlertClaim> | null = null;
    if (first && needsLookups(needed) && evaluate(records, policy, {}).length > 0) {
      // Rules that need lookups only add violations: these will be alerted whatever the lookups say.
      early = alerts.claim(first.eventKey, markerExpiry);
      early.catch(() => {});
    }
    const late = lateness(records, write, { mode, clock, lateAfterSeconds: parts.lateAfterSeconds });
    const alerted = lookups.then(
      async (facts) => {
        const violations = evaluate(records, policy, facts);
        const outcomes: SendOutcome[] = [];
        const own = violations.filter((v) => v.about === undefined);
        const subject = { expiresAt: markerExpiry, late };
        if (first && own.length > 0)
          outcomes.push(
            await alerts.send(
              { ...subject, key: first.eventKey, about: records, violations: own, launch: true },
              early,
            ),
          );
        else if (first && early) await alerts.abandon(first.eventKey, early);
        // One alert per protected stop or terminate, under a key both it and its launch reach.
        for (const [eventKey, group] of byEventAbout(violations))
          outcomes.push(
            await alerts.send(
              { ...subject, key: `${PROTECTED_ALERT_PREFIX}${eventKey}`, ...group, launch: false },
              null,
            ),
          );
        const alert: AlertSummary = outcomes.includes('sent')
          ? 'sent'
          : outcomes.length > 0
            ? 'already-sent'
            : 'none';
        return { violations, alert };
      },
      async (error: unknown) => {
        // A claim taken early must not outlive failed lookups: nothing was published, so the retry may alert at once.
        if (early && first) await alerts.abandon(first.eventKey, early);
        throw error;
      },
    );
    const [written, alertedResult] = await Promise.allSettled([write, alerted]);
    return { written, alerted: alertedResult };
  };
}
