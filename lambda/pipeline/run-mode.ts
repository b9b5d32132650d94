/**
 * What a handler does besides recording, decided once from where its events come from: the
 * live path and the trail path (events the live path missed) act on instances and say how late
 * they are; a backfill or a replay of history records only.
 */

import type { IngestedBy } from '../schema/attribution-table';

export interface RunMode {
  /** What the rows say about their origin. */
  readonly ingestedBy: IngestedBy;
  /** Owner tags, remediation and Security Hub findings: for live and recovered events only. */
  readonly acts: boolean;
  /** How lateness is judged: against the live threshold, as a trail recovery, or not at all. */
  readonly lateness: 'live' | 'trail' | 'none';
}

export function runModeOf(ingestedBy: IngestedBy = 'live'): RunMode {
  const acts = ingestedBy === 'live' || ingestedBy === 'trail';
  return {
    ingestedBy,
    acts,
    lateness: ingestedBy === 'live' ? 'live' : ingestedBy === 'trail' ? 'trail' : 'none',
  };
}
