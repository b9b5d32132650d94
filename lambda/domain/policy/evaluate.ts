/** Pure policy evaluation: the records of one event, plus what the store knows, in; violations out. */

import { ACTION_VERBS, type Action, isTrailAction, SERVICE_CHANGE } from '../actions';
import { isAutomatic } from '../lineage/link';
import { describeResource } from '../lineage/resources';
import type { AttributionRecord } from '../record';
import type { CompiledExemptions, CompiledPolicy } from './compile';
import { matchesAny } from './glob';
import { launchViolations } from './launch-rules';
import { personOf, throughSuffix } from './person';
import type { QuotaPeak } from './quota';
import type { RuleId, Severity } from './schema';

export interface Violation {
  readonly rule: RuleId;
  readonly severity: Severity;
  /** A sentence a person can act on: what was done and which limit it broke. */
  readonly message: string;
  /**
   * The stop or terminate a `protectedInstances` violation is about: the event judged, or an
   * earlier one recorded before the launch that makes it a violation. It is alerted on its own,
   * once per stop or terminate, whichever of the two events finds it.
   */
  readonly about?: AttributionRecord;
}

/** One stored row of an instance: enough to apply the protected-tag rule and to alert about it. */
export interface HistoryEntry {
  readonly eventKey: string;
  readonly action: Action;
  readonly outcome: 'success' | 'failed';
  readonly eventTime: string | null;
  readonly actorName: string | null;
  /** The tags of a launch row, else null. */
  readonly tags: Readonly<Record<string, string>> | null;
  /** The row as a record, for an alert about an earlier stop or terminate; null for launch rows. */
  readonly record: AttributionRecord | null;
}

/**
 * Violations about other events (a protected instance's stop or terminate), grouped by that
 * event, with its records (one per instance): each group is alerted, and reported, on its own.
 */
export function byEventAbout(
  violations: readonly Violation[],
): Map<string, { about: AttributionRecord[]; violations: Violation[] }> {
  const groups = new Map<string, { about: AttributionRecord[]; violations: Violation[] }>();
  for (const violation of violations) {
    const about = violation.about;
    if (!about) continue;
    const group = groups.get(about.eventKey) ?? { about: [], violations: [] };
    if (!group.about.some((r) => r.instanceId === about.instanceId)) group.about.push(about);
    group.violations.push(violation);
    groups.set(about.eventKey, group);
  }
  return groups;
}

/** The history entry of a record, as a store keeps it. */
export function historyEntryOf(record: AttributionRecord): HistoryEntry {
  return {
    eventKey: record.eventKey,
    action: record.action,
    outcome: record.outcome,
    eventTime: record.eventTime,
    actorName: record.actor.name,
    tags: record.launch?.tags ?? null,
    record: record.action === 'launch' ? null : record,
  };
}

export interface PolicyFacts {
  /** Stored rows of the event's instances, when the protected-instances rule needs them. */
  readonly history?: ReadonlyMap<string, readonly HistoryEntry[]>;
  /** The busiest quota window containing this launch, this launch counted. */
  readonly launchQuota?: QuotaPeak;
}

/** What the evaluation needs looked up before it can run. */
export interface FactsNeeded {
  readonly historyOf: readonly string[];
  /** The launch to count against its subject's quota, and the window to judge. */
  readonly quota: {
    readonly subject: string;
    readonly atMs: number;
    readonly instances: number;
    readonly windowMinutes: number;
  } | null;
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };

export function highestSeverity(violations: readonly Violation[]): Severity | null {
  let best: Severity | null = null;
  for (const v of violations)
    if (best === null || SEVERITY_RANK[v.severity] > SEVERITY_RANK[best]) best = v.severity;
  return best;
}

export function severityAtLeast(severity: Severity, minimum: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[minimum];
}

/**
 * How many instances a successful launch created: its records with an instance, or the count the
 * request asked for when CloudTrail omitted the response.
 */
export function instancesLaunched(records: readonly AttributionRecord[]): number {
  const known = records.filter((r) => r.instanceId !== null).length;
  return known > 0 ? known : (records[0]?.launch?.instanceCount ?? 0);
}

function launchedInstanceIds(records: readonly AttributionRecord[]): string[] {
  return records.flatMap((r) => (r.instanceId ? [r.instanceId] : []));
}

export function factsNeeded(records: readonly AttributionRecord[], policy: CompiledPolicy): FactsNeeded {
  const first = records[0];
  if (!first) return { historyOf: [], quota: null };
  const guard = policy.protectedInstances;
  // A stop or terminate needs its launch's tags; a launch needs earlier stops only when it is itself protected.
  const historyOf =
    guard &&
    first.outcome === 'success' &&
    (guard.actions.has(first.action) ||
      (first.action === 'launch' && protectedTag(guard, first.launch?.tags ?? null) !== null))
      ? launchedInstanceIds(records)
      : [];
  const quota = policy.launchQuota;
  const atMs = first.eventTime ? Date.parse(first.eventTime) : Number.NaN;
  const subject = personOf(first).facts.quotaSubject;
  const needsQuota =
    quota && subject && first.action === 'launch' && first.outcome === 'success' && !Number.isNaN(atMs);
  return {
    historyOf,
    quota: needsQuota
      ? { subject, atMs, instances: instancesLaunched(records), windowMinutes: quota.windowMinutes }
      : null,
  };
}

/** Exempt by its caller, by the person behind it when a service made the call, or by its tags. */
function exempt(rule: { readonly exempt: CompiledExemptions }, record: AttributionRecord): boolean {
  const { callers, people, tags } = rule.exempt;
  if (matchesAny(callers, record.actor.arn)) return true;
  if (matchesAny(people, record.actor.name)) return true;
  const { initiator } = record;
  if (initiator && (matchesAny(callers, initiator.arn) || matchesAny(people, initiator.name))) return true;
  const requested = record.launch?.tags;
  if (requested) {
    for (const [key, pattern] of tags) {
      const value = requested[key];
      if (value !== undefined && pattern.test(value)) return true;
    }
  }
  return false;
}

/** "3 instances" for a launch, the instance ids otherwise. */
export function describeTargets(records: readonly AttributionRecord[]): string {
  const ids = launchedInstanceIds(records);
  const launch = records[0]?.launch;
  if (ids.length === 0 && launch?.instanceIdsUnknown && launch.instanceCount > 0)
    return `up to ${launch.instanceCount} instances (ids unknown)`;
  if (ids.length === 0) return 'no instance';
  if (records[0]?.action === 'launch')
    return ids.length === 1 ? `instance ${ids[0]}` : `${ids.length} instances`;
  return ids.length <= 3 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more`;
}

function protectedTag(
  policy: NonNullable<CompiledPolicy['protectedInstances']>,
  tags: Readonly<Record<string, string>> | null,
): string | null {
  if (!tags) return null;
  for (const [key, pattern] of policy.tags) {
    const value = tags[key];
    if (value !== undefined && pattern.test(value)) return `${key}=${value}`;
  }
  return null;
}

function protectedViolations(
  policy: CompiledPolicy,
  records: readonly AttributionRecord[],
  facts: PolicyFacts,
): Violation[] {
  const guard = policy.protectedInstances;
  const first = records[0];
  if (!guard || !first || first.outcome !== 'success') return [];
  const out: Violation[] = [];
  for (const record of records) {
    if (!record.instanceId) continue;
    const history = facts.history?.get(record.instanceId) ?? [];
    if (guard.actions.has(record.action)) {
      const launch = history.find((h) => h.action === 'launch' && h.outcome === 'success');
      const tag = protectedTag(guard, launch?.tags ?? null);
      if (tag)
        out.push({
          rule: 'protectedInstances',
          severity: guard.severity,
          message: `${record.instanceId} is protected (${tag}) and was ${ACTION_VERBS[record.action]}`,
          about: record,
        });
    } else if (record.action === 'launch') {
      // Events can arrive out of order: a stop or terminate recorded before its launch is judged now.
      const tag = protectedTag(guard, record.launch?.tags ?? null);
      if (!tag) continue;
      for (const earlier of history) {
        if (earlier.record && earlier.outcome === 'success' && guard.actions.has(earlier.action)) {
          out.push({
            rule: 'protectedInstances',
            severity: guard.severity,
            message: `${record.instanceId} is protected (${tag}) and was ${ACTION_VERBS[earlier.action]} by ${earlier.actorName ?? 'an unidentified caller'} at ${earlier.eventTime ?? 'an unknown time'} (recorded before its launch)`,
            about: earlier.record,
          });
        }
      }
    }
  }
  return out;
}

/** What a successful call did, for messages: "launched 3 instances", "called CreateAutoScalingGroup". */
function doneWhat(records: readonly AttributionRecord[]): string {
  const first = records[0];
  if (first?.action === SERVICE_CHANGE) {
    const ids = describeTargets(records);
    return `called ${first.eventName}${ids === 'no instance' ? '' : ` on ${ids}`}`;
  }
  return `${ACTION_VERBS[first?.action ?? 'launch']} ${describeTargets(records)}`;
}

/** A service's call with no person known behind it, when the team asked to hear of those. */
function serviceViolations(policy: CompiledPolicy, records: readonly AttributionRecord[]): Violation[] {
  const rule = policy.serviceLaunches;
  const first = records[0];
  if (!rule || !first || first.outcome !== 'success' || !rule.actions.has(first.action)) return [];
  const { via, lineage } = first;
  // Not yet linked is not "unknown": only a link that found no person counts.
  if (!via || lineage.byPerson || lineage.unresolved || first.initiator !== null) return [];
  if (!rule.automatic && isAutomatic(first.initiatorReason)) return [];
  return [
    {
      rule: 'serviceLaunches',
      severity: rule.severity,
      message: `${via.service} ${doneWhat(records)} for ${describeResource(via.resourceType, via.resourceId)} and no person is known behind it: ${first.initiatorReason ?? 'no cause was found'}`,
    },
  ];
}

/** Every rule the event breaks, exemptions applied. One event, one list: alerts are built from it. */
export function evaluate(
  records: readonly AttributionRecord[],
  policy: CompiledPolicy,
  facts: PolicyFacts = {},
): Violation[] {
  const first = records[0];
  if (!first) return [];
  const violations: Violation[] = [];
  const person = personOf(first);
  const root = policy.rootUser;
  // By kind, not type: a `Root` identity invoked by an AWS service is the service acting for the account.
  if (root && person.facts.kind === 'root') {
    violations.push({
      rule: 'rootUser',
      severity: root.severity,
      message:
        first.outcome === 'failed'
          ? `the root user tried to ${first.action === SERVICE_CHANGE ? `call ${first.eventName}` : first.action} (${first.errorCode})`
          : `the root user ${doneWhat(records)}${throughSuffix(person)}`,
    });
  }
  if (first.action === 'launch' && first.outcome === 'success') {
    violations.push(...launchViolations(policy, first, instancesLaunched(records), facts));
  }
  violations.push(...protectedViolations(policy, records, facts));
  const tamper = policy.trailTampering;
  if (tamper && isTrailAction(first.action)) {
    const trail = first.trail ?? 'an unnamed trail';
    violations.push({
      rule: 'trailTampering',
      severity: tamper.severity,
      message:
        first.outcome === 'failed'
          ? `tried to ${first.eventName} on ${trail} (${first.errorCode}): someone is trying to blind CloudTrail`
          : `${ACTION_VERBS[first.action]} ${trail}: CloudTrail may no longer record what happens`,
    });
  }
  const mfa = policy.consoleWithoutMfa;
  // Only where CloudTrail can know: an identity provider's MFA always reads "false" (mfaKnowable).
  if (
    mfa &&
    person.facts.viaConsole === true &&
    person.facts.mfaKnown === true &&
    person.facts.mfaAuthenticated === false
  ) {
    violations.push({
      rule: 'consoleWithoutMfa',
      severity: mfa.severity,
      message: person.through
        ? `${person.label}'s call from the AWS console without MFA caused this ${first.action === SERVICE_CHANGE ? first.eventName : first.action} (${person.through})`
        : `${first.action === SERVICE_CHANGE ? first.eventName : first.action} from the AWS console without MFA`,
    });
  }
  violations.push(...serviceViolations(policy, records));
  const failed = policy.failedAttempts;
  if (
    failed &&
    first.outcome === 'failed' &&
    first.errorCode &&
    matchesAny(failed.errorCodes, first.errorCode)
  ) {
    violations.push({
      rule: 'failedAttempts',
      severity: failed.severity,
      message: `${first.action} was refused: ${first.errorCode}`,
    });
  }
  return violations
    .filter((v) => {
      const rule = policy[v.rule];
      // A violation about an earlier event is exempt by that event's caller.
      return !(rule && exempt(rule, v.about ?? first));
    })
    .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
}
