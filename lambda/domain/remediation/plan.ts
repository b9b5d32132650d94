/**
 * What remediation does about one launch event, decided from the event alone: which instances are
 * marked, which are stopped and when, and which are left alone and why. Pure; the clock is given.
 */

import { fingerprint } from '../fingerprint';
import { describeResource } from '../lineage/resources';
import type { Violation } from '../policy/evaluate';
import { personAddressOf } from '../policy/person';
import type { RemediationMode, Remedy, RuleId, Severity } from '../policy/schema';
import type { AttributionRecord } from '../record';
import { sanitizeTagValue, type Tag } from '../tags';
import { type InstanceEvidence, notThisLaunch, staleness } from './evidence';
import { ACK_TAG, DEADLINE_TAG, protectedBy, type RemediationSettings, VIOLATION_TAG } from './settings';

/** The launcher's own opt-out: a tag set at launch that keeps remediation from stopping (or marking). */
export interface LauncherOptOut {
  /** `acknowledged`: marked, never stopped (`ec2trail:ack`); `protected`: neither marked nor stopped. */
  readonly effect: 'acknowledged' | 'protected';
  /** The tag as the launcher set it, `key=value`. */
  readonly tag: string;
}

/** An instance remediation leaves as it is (or only marks), and why, in words. */
export interface LeftAlone {
  readonly instanceId: string;
  readonly reason: string;
  /** Set when the launcher opted the instance out at launch, so rows, alerts and digests show it. */
  readonly optOut?: LauncherOptOut;
}

/** The stop of some of a launch's instances at the deadline: the input of one one-time schedule. */
export interface StopRequest {
  readonly version: 1;
  /** The schedule's name: unique per launch and chunk, so a retry finds the schedule it made. */
  readonly name: string;
  readonly eventKey: string;
  readonly account: string;
  readonly region: string;
  readonly instanceIds: readonly string[];
  readonly rules: readonly RuleId[];
  readonly severity: Severity;
  /** When to stop (ISO 8601, whole minutes, UTC). */
  readonly at: string;
  /** Who launched them, for the rows and the alert at the deadline. */
  readonly launchedBy: string | null;
  readonly launchedAt: string | null;
  /** The verified person to route the deadline alert to (lower-cased), or null: never a claimed name. */
  readonly person?: string | null;
}

export interface RemediationPlan {
  readonly eventKey: string;
  readonly account: string | null;
  readonly region: string | null;
  readonly mode: RemediationMode;
  /** The fired rules that remediate: `stop` when any of them says so. */
  readonly rules: readonly RuleId[];
  readonly remedy: Remedy;
  readonly severity: Severity;
  /** The instances marked with `tags`; empty when every instance is protected. */
  readonly tagged: readonly string[];
  readonly tags: readonly Tag[];
  /** The stops to schedule (the launch's instances, in chunks); empty for `tag`. */
  readonly stops: readonly StopRequest[];
  /** When the marked instances stop; null for `tag`. */
  readonly deadline: string | null;
  /** Instances neither marked nor stopped. */
  readonly untouched: readonly LeftAlone[];
  /** Instances marked but not stopped. */
  readonly notStopped: readonly LeftAlone[];
  readonly launchedBy: string | null;
  /** The launch's event time: the time of the tag step's rows. */
  readonly launchTime: string | null;
}

/** Instance ids per schedule: a schedule's input holds at most 8,192 characters (EventBridge Scheduler). */
export const STOP_CHUNK = 100;

const SEVERITY_ORDER: readonly Severity[] = ['info', 'warning', 'critical'];

/** The person behind the launch, as owner tags name them: the initiator when known, else the caller. */
function personOf(record: AttributionRecord): string | null {
  return record.initiator?.name ?? record.initiator?.arn ?? record.actor.name ?? record.actor.arn;
}

/** The launch alert's `person` attribute, for the deadline alert: only a verified person's. */
function routedPerson(record: AttributionRecord): string | null {
  const { person } = personAddressOf(record);
  return person === 'unknown' ? null : person;
}

/** The deadline: the grace period from now, rounded up to the minute (schedules run on whole minutes). */
export function deadlineOf(now: Date, graceMs: number): Date {
  return new Date(Math.ceil((now.getTime() + graceMs) / 60_000) * 60_000);
}

/** A schedule name EventBridge Scheduler accepts (1–64 of `[0-9A-Za-z_.-]`), unique per launch and chunk. */
export function scheduleNameOf(eventKey: string, chunk: number): string {
  const readable = /^[0-9A-Za-z_.-]{1,48}$/.test(eventKey) ? eventKey : fingerprint(eventKey);
  return `stop-${readable}-${chunk}`;
}

/**
 * The plan for one event's records and violations, or null when remediation has nothing to do:
 * not a successful launch with known instances, or no fired rule that remediates. Violations
 * about other events (protected stops) are not the launch's and are ignored.
 */
export function planRemediation(
  records: readonly AttributionRecord[],
  violations: readonly Violation[],
  settings: RemediationSettings,
  now: Date,
): RemediationPlan | null {
  const launches = records.filter(
    (r): r is AttributionRecord & { instanceId: string } =>
      r.action === 'launch' && r.outcome === 'success' && r.instanceId !== null,
  );
  const first = launches[0];
  if (!first) return null;
  const fired = violations.filter((v) => v.about === undefined && settings.remedies.has(v.rule));
  if (fired.length === 0) return null;
  const rules = [...new Set(fired.map((v) => v.rule))];
  const remedy: Remedy = rules.some((rule) => settings.remedies.get(rule) === 'stop') ? 'stop' : 'tag';
  const severity = fired.reduce<Severity>(
    (top, v) => (SEVERITY_ORDER.indexOf(v.severity) > SEVERITY_ORDER.indexOf(top) ? v.severity : top),
    'info',
  );
  const deadline = remedy === 'stop' ? deadlineOf(now, settings.graceMs).toISOString() : null;

  const untouched: LeftAlone[] = [];
  const notStopped: LeftAlone[] = [];
  const tagged: string[] = [];
  const stopping: string[] = [];
  // Old evidence is never acted on: the instance it names may long since be someone else's business.
  const stale = staleness(first.eventTime, now, settings.maxEventAgeMs);
  for (const record of launches) {
    if (stale !== null) {
      untouched.push({ instanceId: record.instanceId, reason: stale });
      continue;
    }
    const tags = record.launch?.tags ?? {};
    const guard = protectedBy(tags, settings);
    if (guard !== null) {
      // The tags are the launch request's: the launcher chose them. Allowed, but never silent.
      const key = guard.slice(0, guard.indexOf('='));
      const tag = `${key}=${sanitizeTagValue(tags[key] ?? '')}`;
      untouched.push({
        instanceId: record.instanceId,
        reason: `protected by the launcher at launch: ${tag} (protected tag ${guard})`,
        optOut: { effect: 'protected', tag },
      });
      continue;
    }
    tagged.push(record.instanceId);
    if (remedy !== 'stop') continue;
    if (tags[ACK_TAG] !== undefined) {
      const tag = `${ACK_TAG}=${sanitizeTagValue(tags[ACK_TAG])}`;
      notStopped.push({
        instanceId: record.instanceId,
        reason: `acknowledged by the launcher at launch: ${tag}`,
        optOut: { effect: 'acknowledged', tag },
      });
    } else if (record.via !== null && !record.lineage.byPerson) {
      // Stopping a group's instance makes the group replace it: the fix belongs to the group.
      const by = record.via.resourceId
        ? describeResource(record.via.resourceType, record.via.resourceId)
        : record.via.service;
      notStopped.push({
        instanceId: record.instanceId,
        reason: `launched by ${by}, which would replace a stopped instance: fix its launch settings`,
      });
    } else {
      stopping.push(record.instanceId);
    }
  }

  const tags: Tag[] = [{ key: VIOLATION_TAG, value: sanitizeTagValue(rules.join(' ')) }];
  if (deadline !== null && stopping.length > 0) tags.push({ key: DEADLINE_TAG, value: deadline });

  const stops: StopRequest[] = [];
  if (deadline !== null && first.account !== null && first.region !== null) {
    for (let i = 0; i < stopping.length; i += STOP_CHUNK) {
      stops.push({
        version: 1,
        name: scheduleNameOf(first.eventKey, i / STOP_CHUNK),
        eventKey: first.eventKey,
        account: first.account,
        region: first.region,
        instanceIds: stopping.slice(i, i + STOP_CHUNK),
        rules,
        severity,
        at: deadline,
        launchedBy: personOf(first),
        launchedAt: first.eventTime,
        person: routedPerson(first),
      });
    }
  } else {
    for (const instanceId of stopping)
      notStopped.push({ instanceId, reason: 'the event names no account or region to act in' });
  }

  return {
    eventKey: first.eventKey,
    account: first.account,
    region: first.region,
    mode: settings.mode,
    rules,
    remedy,
    severity,
    tagged,
    tags,
    stops,
    deadline: stops.length > 0 ? deadline : null,
    untouched,
    notStopped,
    launchedBy: personOf(first),
    launchTime: first.eventTime,
  };
}

/**
 * The plan narrowed to the instances EC2 shows to be the launch's own (account, region, launch
 * time): the others are neither marked nor stopped, and say why. Run before anything is written.
 */
export function verifiedPlan(
  plan: RemediationPlan,
  found: ReadonlyMap<string, InstanceEvidence>,
): RemediationPlan {
  if (plan.account === null || plan.region === null) return plan;
  const claim = { account: plan.account, region: plan.region, eventTime: plan.launchTime };
  const refused = new Map<string, string>();
  for (const id of plan.tagged) {
    const why = notThisLaunch(found.get(id), claim);
    if (why !== null) refused.set(id, why);
  }
  if (refused.size === 0) return plan;
  const stops = plan.stops
    .map((stop) => ({ ...stop, instanceIds: stop.instanceIds.filter((id) => !refused.has(id)) }))
    .filter((stop) => stop.instanceIds.length > 0);
  const tagged = plan.tagged.filter((id) => !refused.has(id));
  return {
    ...plan,
    tagged,
    // The deadline tag only goes on instances that will stop.
    tags: stops.length > 0 ? plan.tags : plan.tags.filter((t) => t.key !== DEADLINE_TAG),
    stops,
    deadline: stops.length > 0 ? plan.deadline : null,
    untouched: [
      ...plan.untouched,
      ...[...refused].map(([instanceId, reason]) => ({ instanceId, reason: `not verified: ${reason}` })),
    ],
    notStopped: plan.notStopped.filter((left) => !refused.has(left.instanceId)),
  };
}
