/** The rules that judge a successful launch: one small function per rule, applied in table order. */

import type { LaunchDetails } from '../launch';
import type { AttributionRecord } from '../record';
import type { AllowDeny, CompiledPolicy } from './compile';
import type { PolicyFacts, Violation } from './evaluate';
import { matchesAny } from './glob';
import { type JudgedPerson, personOf, throughSuffix } from './person';
import type { RuleId, Weekday } from './schema';

/** What every launch rule looks at. */
interface LaunchContext {
  readonly record: AttributionRecord;
  readonly launch: LaunchDetails;
  /** Instances the launch created (or asked for, when CloudTrail omitted the response). */
  readonly count: number;
  readonly facts: PolicyFacts;
  /** Whom the rules about people judge: the person behind a service's launch, else the caller. */
  readonly person: JudgedPerson;
}

type LaunchRuleId =
  | 'instanceType'
  | 'maxInstancesPerLaunch'
  | 'requiredTags'
  | 'allowedRegions'
  | 'ami'
  | 'imdsv2Required'
  | 'publicIpForbidden'
  | 'unencryptedVolumesForbidden'
  | 'allowedLaunchers'
  | 'launchHours'
  | 'launchQuota';

/** A rule's check: the sentence saying how the launch breaks it, or null. */
type Check<K extends LaunchRuleId> = (
  rule: NonNullable<CompiledPolicy[K]>,
  context: LaunchContext,
) => string | null;

interface LaunchRule {
  readonly id: RuleId;
  apply(policy: CompiledPolicy, context: LaunchContext): Violation | null;
}

function rule<K extends LaunchRuleId>(id: K, check: Check<K>): LaunchRule {
  return {
    id,
    apply(policy, context) {
      const compiled = policy[id];
      if (!compiled) return null;
      const message = check(compiled, context);
      return message === null ? null : { rule: id, severity: compiled.severity, message };
    },
  };
}

function describePattern(pattern: RegExp): string {
  return pattern.source
    .replace(/^\^|\$$/g, '')
    .replace(/\.\*/g, '*')
    .replace(/\\(.)/g, '$1');
}

/** Why `value` breaks an allow/deny list, or null: the deny list wins, then the allow list (if any) must match. */
function allowDenyProblem(list: AllowDeny, value: string | null, label: string): string | null {
  if (value === null) return null;
  const denied = list.deny.find((p) => p.test(value));
  if (denied) return `${label} ${value} is denied (matches "${describePattern(denied)}")`;
  if (list.allow && !matchesAny(list.allow, value))
    return `${label} ${value} is not allowed (allowed: ${list.allowText})`;
  return null;
}

const WEEKDAYS: Readonly<Record<string, Weekday>> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};

const utcMinute = (ms: number) => `${new Date(ms).toISOString().slice(0, 16)}Z`;

/** In the order their violations are listed (then sorted by severity, keeping this order). */
const LAUNCH_RULES: readonly LaunchRule[] = [
  rule('instanceType', (r, { launch }) => allowDenyProblem(r, launch.instanceType, 'instance type')),
  rule('maxInstancesPerLaunch', (r, { launch, count }) => {
    if (count <= r.max) return null;
    return launch.instanceIdsUnknown
      ? `up to ${count} instances requested in one launch (CloudTrail omitted the response, so their ids are unknown); the maximum is ${r.max}`
      : `${count} instances launched in one request; the maximum is ${r.max}`;
  }),
  rule('requiredTags', (r, { launch }) => {
    const missing: string[] = [];
    const wrong: string[] = [];
    for (const [key, pattern] of r.tags) {
      const value = launch.tags[key];
      if (value === undefined || value === '') missing.push(key);
      else if (pattern && !pattern.test(value))
        wrong.push(`${key}="${value}" does not match /${pattern.source}/`);
    }
    const parts = [
      ...(missing.length > 0
        ? [`missing required tag${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`]
        : []),
      ...wrong,
    ];
    return parts.length > 0 ? `launch ${parts.join('; ')}` : null;
  }),
  rule('allowedRegions', (r, { record }) =>
    record.region && !r.regions.has(record.region)
      ? `region ${record.region} is not allowed (allowed: ${[...r.regions].join(', ')})`
      : null,
  ),
  rule('ami', (r, { launch }) => allowDenyProblem(r, launch.imageId, 'AMI')),
  rule('imdsv2Required', (_r, { launch }) => {
    if (launch.httpTokens === 'required') return null;
    // Only the request is known: an AMI or the account's default may still require IMDSv2.
    return launch.httpTokens
      ? `IMDSv2 is not enforced (httpTokens: ${launch.httpTokens})`
      : 'the launch did not require IMDSv2 (no httpTokens "required"): unless the AMI or the account default requires it, IMDSv1 answers';
  }),
  rule('publicIpForbidden', (_r, { launch }) =>
    launch.associatePublicIp === true ? 'a public IP address was requested' : null,
  ),
  rule('unencryptedVolumesForbidden', (_r, { launch }) =>
    launch.ebsEncrypted === false
      ? `unencrypted EBS volume${launch.unencryptedVolumes.length > 1 ? 's' : ''} requested: ${launch.unencryptedVolumes.join(', ')}`
      : null,
  ),
  rule('allowedLaunchers', (r, { person }) =>
    matchesAny(r.callers, person.facts.arn)
      ? null
      : `${person.facts.arn ?? person.facts.name ?? 'an unidentified caller'} is not allowed to launch instances${throughSuffix(person)}`,
  ),
  rule('launchHours', (r, { record }) => {
    const at = record.eventTime ? Date.parse(record.eventTime) : Number.NaN;
    if (Number.isNaN(at)) return null;
    const parts = r.formatter.formatToParts(new Date(at));
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    const weekday = WEEKDAYS[part('weekday')];
    const minute = Number(part('hour')) * 60 + Number(part('minute'));
    const inWindow =
      r.fromMinutes <= r.toMinutes
        ? minute >= r.fromMinutes && minute < r.toMinutes
        : minute >= r.fromMinutes || minute < r.toMinutes;
    if (weekday !== undefined && r.days.has(weekday) && inWindow) return null;
    return `launched ${part('weekday')} ${part('hour')}:${part('minute')} ${r.timeZone}, outside ${r.text}`;
  }),
  rule('launchQuota', (r, { person, facts }) => {
    const peak = facts.launchQuota;
    if (!peak || peak.launches <= r.maxInstances) return null;
    return `${person.label}${person.through ? ', directly or through services,' : ''} launched ${peak.launches} instances in ${r.windowMinutes} minutes (launches from ${utcMinute(peak.fromMs)} to ${utcMinute(peak.toMs)}); the quota is ${r.maxInstances}`;
  }),
];

/** Every launch rule the record breaks, in table order. */
export function launchViolations(
  policy: CompiledPolicy,
  record: AttributionRecord,
  count: number,
  facts: PolicyFacts,
): Violation[] {
  const launch = record.launch;
  if (!launch) return [];
  const context: LaunchContext = { record, launch, count, facts, person: personOf(record) };
  return LAUNCH_RULES.flatMap((r) => r.apply(policy, context) ?? []);
}
