/**
 * The launch quota, counted per person and per UTC minute, so that the answer is the same
 * whatever order and concurrency the launches arrive in.
 */

import type { Actor } from '../identity';

export const MINUTE_MS = 60_000;

/**
 * Who a launch counts against: the person or principal behind the call, not its session. A new
 * role session name per launch (`job-0`, `job-1`, …) must not reset the count, so an assumed
 * role counts as its source identity, its person (SSO, email session) or else the role itself.
 */
export function quotaSubject(actor: Actor): string | null {
  switch (actor.type) {
    case 'AssumedRole':
      if (actor.sourceIdentity) return `source:${actor.sourceIdentity}`;
      if (actor.kind === 'person' && actor.name) return `person:${actor.name}`;
      if (actor.kind === 'service' && actor.name) return `service:${actor.name}`;
      return actor.roleArn ? `role:${actor.roleArn}` : actor.roleName ? `role:${actor.roleName}` : null;
    case 'FederatedUser':
      // The federated user's name is chosen per call; the IAM user who asked for the token is stable.
      return actor.roleArn ? `issuer:${actor.roleArn}` : actor.arn ? `principal:${actor.arn}` : null;
    default:
      if (actor.kind === 'service' && actor.name) return `service:${actor.name}`;
      if (actor.arn) return `principal:${actor.arn}`;
      return actor.name ? `name:${actor.name}` : null;
  }
}

/** The start of the UTC minute `ms` falls in. */
export function minuteOf(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/** The minutes to read for a launch at `atMs`: every window of `windowMinutes` that contains it. */
export function quotaSpan(
  atMs: number,
  windowMinutes: number,
): { readonly fromMs: number; readonly toMs: number } {
  const minute = minuteOf(atMs);
  return { fromMs: minute - (windowMinutes - 1) * MINUTE_MS, toMs: minute + (windowMinutes - 1) * MINUTE_MS };
}

export interface MinuteCount {
  readonly minuteMs: number;
  readonly launches: number;
}

export interface QuotaPeak {
  /** The most instances launched in any window of `windowMinutes` minutes containing the launch. */
  readonly launches: number;
  /** The first and last minute with launches in that window. */
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * The busiest window of `windowMinutes` consecutive minutes that contains the minute of `atMs`.
 * Looking both ways is what makes the result independent of arrival order: a launch that arrives
 * late still finds the window it completes, whichever launch of that window is judged last.
 */
export function quotaPeak(counts: readonly MinuteCount[], atMs: number, windowMinutes: number): QuotaPeak {
  const minute = minuteOf(atMs);
  const width = windowMinutes * MINUTE_MS;
  const perMinute = new Map<number, number>();
  for (const { minuteMs, launches } of counts) {
    const at = minuteOf(minuteMs);
    perMinute.set(at, (perMinute.get(at) ?? 0) + launches);
  }
  const minutes = [...perMinute.keys()].sort((a, b) => a - b);
  const prefix = [0];
  for (const at of minutes) prefix.push((prefix.at(-1) ?? 0) + (perMinute.get(at) ?? 0));
  /** Index of the first minute at or after `ms`. */
  const firstFrom = (ms: number) => {
    let lo = 0;
    let hi = minutes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((minutes[mid] ?? 0) < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const sum = (start: number) => (prefix[firstFrom(start + width)] ?? 0) - (prefix[firstFrom(start)] ?? 0);
  // The sum can only rise where a window's end reaches a minute with launches: try the earliest
  // window containing the launch, and each window ending at such a minute.
  const earliest = minute - width + MINUTE_MS;
  const starts = [
    earliest,
    ...minutes.filter((at) => at >= minute && at < minute + width).map((at) => at - width + MINUTE_MS),
  ];
  let best = { launches: 0, start: earliest };
  for (const start of starts) {
    const launches = sum(start);
    if (launches > best.launches) best = { launches, start };
  }
  const inside = minutes.slice(firstFrom(best.start), firstFrom(best.start + width));
  return { launches: best.launches, fromMs: inside[0] ?? minute, toMs: inside.at(-1) ?? minute };
}
