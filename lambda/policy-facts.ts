/**
 * Loads what the policy's history rules need, in the order that makes concurrent and
 * out-of-order events converge: each event writes first (its rows, its launch count) and reads
 * after, consistently, so of two events racing at least the later reader sees the other.
 */

import type { AttributionRecord, FactsNeeded, HistoryEntry, PolicyFacts } from './domain';
import { MINUTE_MS, minuteOf, quotaPeak, quotaSpan } from './domain/policy/quota';
import type { PolicyLookups } from './ports';

/** Whether the policy needs anything from the store for these records. */
export function needsLookups(needed: FactsNeeded): boolean {
  return needed.historyOf.length > 0 || needed.quota !== null;
}

/**
 * The facts for one event. `written` settles once the event's rows are stored: history is read
 * only after it, so a stop and its launch processed at the same moment still meet.
 */
export async function loadFacts(
  records: readonly AttributionRecord[],
  needed: FactsNeeded,
  lookups: PolicyLookups,
  written: Promise<unknown>,
): Promise<PolicyFacts> {
  const first = records[0];
  const [history, launchQuota] = await Promise.all([
    needed.historyOf.length === 0
      ? Promise.resolve(undefined)
      : written.then(() =>
          Promise.all(needed.historyOf.map(async (id) => [id, await lookups.history(id)] as const)),
        ),
    (async () => {
      const quota = needed.quota;
      if (!quota || !first) return undefined;
      // Kept for two windows and a day: long enough for any launch that could still share a window.
      const expiresAt =
        Math.floor((minuteOf(quota.atMs) + 2 * quota.windowMinutes * MINUTE_MS) / 1000) + 86_400;
      await lookups.countLaunch({
        subject: quota.subject,
        atMs: quota.atMs,
        eventKey: first.eventKey,
        instances: quota.instances,
        expiresAt,
      });
      const span = quotaSpan(quota.atMs, quota.windowMinutes);
      const counts = await lookups.launchCounts(quota.subject, span.fromMs, span.toMs);
      return quotaPeak(counts, quota.atMs, quota.windowMinutes);
    })(),
  ]);
  return {
    ...(history ? { history: new Map<string, readonly HistoryEntry[]>(history) } : {}),
    ...(launchQuota ? { launchQuota } : {}),
  };
}
