/**
 * At the deadline: which of a stop request's instances are stopped, judged on what they are now
 * (state and tags read again), and on the policy as deployed now, not as it was at launch. Every
 * doubt resolves to leaving the instance running. Pure.
 */

import { type InstanceEvidence, notThisLaunch } from './evidence';
import type { StopRequest } from './plan';
import { ACK_TAG, protectedBy, type RemediationSettings, VIOLATION_TAG } from './settings';

/** An instance as EC2 describes it at the deadline (and before it is marked). */
export interface InstanceNow extends InstanceEvidence {
  readonly instanceId: string;
  /** `pending`, `running`, `stopping`, `stopped`, `shutting-down`, `terminated`. */
  readonly state: string | null;
  readonly tags: Readonly<Record<string, string>>;
}

export const KEPT_REASONS = [
  'dry-run',
  'policy-changed',
  'gone',
  'not-this-launch',
  'already-stopped',
  'not-running',
  'acknowledged',
  'protected',
  'unmarked',
] as const;
export type KeptReason = (typeof KEPT_REASONS)[number];

export type StopDecision =
  | { readonly instanceId: string; readonly stop: true }
  | { readonly instanceId: string; readonly stop: false; readonly code: KeptReason; readonly reason: string };

const RUNNING = new Set(['pending', 'running']);

/** One decision per requested instance, in the request's order. */
export function decideStops(
  request: StopRequest,
  found: ReadonlyMap<string, InstanceNow>,
  settings: RemediationSettings | null,
): StopDecision[] {
  const stillStops =
    settings !== null && request.rules.some((rule) => settings.remedies.get(rule) === 'stop');
  return request.instanceIds.map((instanceId): StopDecision => {
    const keep = (code: KeptReason, reason: string): StopDecision => ({
      instanceId,
      stop: false,
      code,
      reason,
    });
    if (settings === null || !stillStops)
      return keep('policy-changed', `the deployed policy no longer stops for ${request.rules.join(', ')}`);
    if (settings.mode !== 'enforce')
      return keep('dry-run', 'remediation is in dry-run mode: it would have been stopped now');
    const now = found.get(instanceId);
    if (!now) return keep('gone', 'EC2 no longer knows the instance');
    // Checked again at the deadline: the request's evidence must still describe this very instance.
    const foreign = notThisLaunch(now, {
      account: request.account,
      region: request.region,
      eventTime: request.launchedAt,
    });
    if (foreign !== null) return keep('not-this-launch', foreign);
    // Stopped before this try: by a person, or by an earlier try of this deadline whose rows could
    // not be written (Scheduler then delivers the request again). Either way, not stopped now.
    if (now.state === 'stopping' || now.state === 'stopped')
      return keep('already-stopped', `the instance was already ${now.state} at the deadline`);
    if (now.state === null || !RUNNING.has(now.state))
      return keep('not-running', `the instance is ${now.state ?? 'in an unknown state'}`);
    const ack = now.tags[ACK_TAG];
    if (ack !== undefined) return keep('acknowledged', `acknowledged with ${ACK_TAG}=${ack}`);
    const guard = protectedBy(now.tags, settings);
    if (guard !== null) return keep('protected', `protected (${guard})`);
    if (now.tags[VIOLATION_TAG] === undefined)
      return keep('unmarked', `the ${VIOLATION_TAG} tag was removed, which counts as an acknowledgement`);
    return { instanceId, stop: true };
  });
}
