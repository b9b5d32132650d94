/**
 * Whether the evidence about an instance is fresh and about that very instance: remediation acts
 * only when both hold. Every doubt reads as "not verified", which leaves the instance running. Pure.
 */

import { describeLag } from '../time';

/**
 * How far an instance's launch time may be from the RunInstances call's `eventTime`. EC2 sets the
 * launch time as it creates the instance, within seconds of the call; five minutes leaves room for
 * a large launch and clock rounding, and is still far shorter than any gap that reuses evidence
 * (an old event names an instance launched at its own time, not now).
 */
export const LAUNCH_TIME_TOLERANCE_MS = 5 * 60_000;

/** How far in the future an event may be dated (clock skew) before it is not believed. */
export const FUTURE_SKEW_MS = 5 * 60_000;

/** What EC2 says now about an instance remediation is about to mark or stop. */
export interface InstanceEvidence {
  readonly instanceId: string;
  /** The account that owns the instance's reservation, when EC2 says. */
  readonly ownerId: string | null;
  /** `LaunchTime`: the time of the last start for an EBS-backed instance stopped and started since. */
  readonly launchTime: string | null;
  /**
   * When the primary network interface (device 0), or else the root volume, was attached: set at
   * launch and kept across stops and starts, so it still dates the launch after a restart.
   */
  readonly attachedAt: string | null;
}

/** The launch an instance is claimed to come from. */
export interface LaunchClaim {
  readonly account: string;
  readonly region: string;
  readonly eventTime: string | null;
}

/** Why an event is too old (or too far in the future) to act on, or null when it is fresh. */
export function staleness(eventTime: string | null, now: Date, maxAgeMs: number): string | null {
  const at = eventTime === null ? Number.NaN : Date.parse(eventTime);
  if (Number.isNaN(at)) return 'the event has no time to judge its age by';
  const age = now.getTime() - at;
  if (age < -FUTURE_SKEW_MS) return `the event is dated ${describeLag(-age / 1000)} in the future`;
  if (age > maxAgeMs)
    return `the call was made ${describeLag(age / 1000)} ago, more than the ${describeLag(maxAgeMs / 1000)} within which remediation acts: recorded and alerted only`;
  return null;
}

const near = (a: string | null, b: number): boolean => {
  const at = a === null ? Number.NaN : Date.parse(a);
  return !Number.isNaN(at) && Math.abs(at - b) <= LAUNCH_TIME_TOLERANCE_MS;
};

/**
 * Null when EC2's instance is the one the launch made: found in the launch's account (the client
 * is the account's and the region's, and the reservation's owner agrees) and launched at the
 * event's time. Otherwise why not, in words.
 */
export function notThisLaunch(instance: InstanceEvidence | undefined, launch: LaunchClaim): string | null {
  if (!instance) return `EC2 does not know the instance in account ${launch.account}, ${launch.region}`;
  if (instance.ownerId !== null && instance.ownerId !== launch.account)
    return `the instance belongs to account ${instance.ownerId}, not ${launch.account}`;
  const eventMs = launch.eventTime === null ? Number.NaN : Date.parse(launch.eventTime);
  if (Number.isNaN(eventMs)) return 'the launch has no time to check the instance against';
  if (near(instance.launchTime, eventMs) || near(instance.attachedAt, eventMs)) return null;
  return `the instance was launched at ${instance.launchTime ?? 'an unknown time'}, not at the event's ${launch.eventTime}: the event is not this instance's launch`;
}
