/**
 * How long an instance ran in a window, from the calls the table holds (launch, start, stop,
 * terminate) and, when EC2 was read, from what the instance is now. Pure.
 *
 * EC2 bills an On-Demand instance from `running` until it begins to stop or terminate, so a
 * successful StartInstances or RunInstances opens an interval and a successful StopInstances or
 * TerminateInstances closes it. What makes no call (a shutdown from inside the instance, a Spot
 * interruption, a scheduled retirement) is seen only through the instance's state now.
 */

/** A call that changes whether the instance runs. */
export type StateCall = 'launch' | 'start' | 'stop' | 'terminate';
export const STATE_CALLS: readonly StateCall[] = ['launch', 'start', 'stop', 'terminate'];

export interface StateChange {
  readonly atMs: number;
  readonly call: StateCall;
}

/** Whether it ran, just before the window: from the newest state call before it; null when none is held. */
export type StateBefore = 'running' | 'stopped' | 'gone' | null;

/** What EC2 says of the instance now: null when EC2 was not read for its region. */
export type Present =
  | { readonly state: 'gone' }
  | {
      readonly state: string;
      /** `LaunchTime`: when it last entered `running` (it moves at every start). */
      readonly runningSinceMs: number | null;
    };

export interface RunningHours {
  readonly hours: number;
  /** Why the figure may be off, in words; null when the calls and the instance agree. */
  readonly uncertain: string | null;
}

const RUNNING_NOW = new Set(['pending', 'running']);

/** The state a call leaves the instance in. */
export function stateAfter(call: StateCall): 'running' | 'stopped' | 'gone' {
  return call === 'launch' || call === 'start' ? 'running' : call === 'stop' ? 'stopped' : 'gone';
}

/** The state before the first call of the window, when nothing older says: what that call implies. */
function impliedBefore(first: StateCall): 'running' | 'stopped' | 'gone' {
  return first === 'launch' ? 'gone' : first === 'start' ? 'stopped' : 'running';
}

/** Running hours within [fromMs, toMs]. */
export function runningHours(input: {
  readonly changes: readonly StateChange[];
  readonly before: StateBefore;
  readonly present: Present | null;
  readonly fromMs: number;
  readonly toMs: number;
}): RunningHours {
  const { fromMs, toMs, present } = input;
  const changes = input.changes
    .filter((c) => c.atMs >= fromMs && c.atMs <= toMs)
    .sort((a, b) => a.atMs - b.atMs);
  const first = changes[0];
  let state = input.before ?? (first ? impliedBefore(first.call) : null);
  const runningNow = present !== null && RUNNING_NOW.has(present.state);
  const since = present && 'runningSinceMs' in present ? present.runningSinceMs : null;
  // No call at all: only the instance itself can say, through the anchor below.
  if (state === null) state = 'gone';
  const intervals: [number, number][] = [];
  let openedAt = fromMs;
  for (const change of changes) {
    const next = stateAfter(change.call);
    if (state === 'running' && next !== 'running') intervals.push([openedAt, change.atMs]);
    if (state !== 'running' && next === 'running') openedAt = change.atMs;
    state = next;
  }
  let uncertain: string | null = null;
  if (state === 'running') {
    intervals.push([openedAt, toMs]);
    if (present !== null && !runningNow)
      uncertain = `${present.state === 'gone' ? 'gone' : present.state} now with no stop or terminate call held: counted as running to the end of the window, an upper bound`;
  }
  // Running now since `since` with no call held for that start: it ran from then on, whatever the calls say.
  if (runningNow && since !== null && since < toMs) intervals.push([Math.max(since, fromMs), toMs]);
  return { hours: unionMs(intervals) / 3_600_000, uncertain };
}

/** The length of a union of intervals. */
function unionMs(intervals: readonly [number, number][]): number {
  const sorted = [...intervals].filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const [a, b] of sorted) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}
