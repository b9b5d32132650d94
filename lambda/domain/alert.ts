/** Alert messages for one event that broke the policy: email, SMS and JSON, built from plain data. */

import { ACTION_VERBS, isTrailAction, SERVICE_CHANGE } from './actions';
import { consoleUrl } from './console-url';
import { mfaKnowable, personProof, principalLabel } from './identity';
import { describeResource } from './lineage/resources';
import { DEFAULT_ADVICE } from './policy/advice';
import { describeTargets, highestSeverity, instancesLaunched, type Violation } from './policy/evaluate';
import { personAddressOf } from './policy/person';
import type { RuleId } from './policy/schema';
import type { AttributionRecord } from './record';
import { cut, cutGsm, flat, gsmLength, gsmSafe, oneLine, plural, quoted, shown } from './text';
import { describeLag } from './time';

/** One alert, rendered for every channel SNS delivers to. */
export interface AlertMessage {
  /** Email subject, under 100 characters. */
  readonly subject: string;
  /** Plain-text email body. */
  readonly email: string;
  /** SMS text: at most 160 GSM-7 characters. */
  readonly sms: string;
  /** The machine-readable body, for every other protocol (SQS, Lambda, HTTPS). */
  readonly json: string;
  /** Message attributes that subscription filter policies match on. */
  readonly attributes: Readonly<Record<string, string>>;
}

export const SUBJECT_MAX = 99;
export const SMS_MAX = 160;
// SNS refuses messages over 256 KB; stay well below with the JSON body.
const JSON_BUDGET = 200_000;

function who(record: AttributionRecord): string {
  const name = record.actor.name ?? record.actor.arn;
  const proof = personProof(record.actor);
  // A claimed name is shown as a claim, next to the principal that really made the call.
  const caller =
    name === null
      ? 'an unidentified caller'
      : proof?.verified === false
        ? `${record.actor.roleName ? `role ${shown(record.actor.roleName, 80)}` : shown(principalLabel(record.actor), 80)} (claims to be ${shown(name, 80)})`
        : shown(name, 80);
  // A service's call names the person behind it, or says that none is known.
  if (record.via === null || record.lineage.byPerson) return caller;
  const resource = record.via.resourceId ? ` for ${shown(record.via.resourceId, 80)}` : '';
  const behind = record.initiator?.name ?? record.initiator?.arn;
  return `${caller}${resource} (${behind ? `behind: ${shown(behind, 80)}` : 'no person known'})`;
}

/** "Verified: yes (IAM user name)" or "Verified: no: claimed (…)"; nothing for a non-person. */
function whoseName(actor: AttributionRecord['actor']): string[] {
  const proof = personProof(actor);
  if (!proof) return [];
  return [
    field(
      'Verified',
      proof.verified ? `yes (${proof.from})` : `no: a claim (${proof.from}); routed to the team`,
    ),
  ];
}

/** The person behind the event, for the `initiator` attribute: a subscription filter can select their own. */
function initiatorAttribute(record: AttributionRecord | undefined): string {
  const name = record?.initiator?.name ?? record?.initiator?.arn;
  return name ? name.slice(0, 256) : 'unknown';
}

function whatOf(records: readonly AttributionRecord[], times: string): string {
  const first = records[0];
  if (!first) return '';
  // A trail ARN is long; its name says enough in a subject (the email shows the ARN).
  if (isTrailAction(first.action))
    return first.trail
      ? shown(first.trail.replace(/^arn:[^:]*:cloudtrail:[^:]*:\d*:trail\//, ''), 80)
      : 'a trail';
  if (first.action === SERVICE_CHANGE) {
    const changed = first.initiator?.resourceType
      ? describeResource(
          first.initiator.resourceType,
          first.initiator.resourceId === null ? null : shown(first.initiator.resourceId, 80),
        )
      : null;
    const ids = describeTargets(
      records.map((r) => (r.instanceId ? { ...r, instanceId: shown(r.instanceId, 40) } : r)),
    );
    return changed ? `on ${changed}` : ids === 'no instance' ? '' : `on ${ids}`;
  }
  if (first.action === 'launch') {
    const type = first.launch?.instanceType ? shown(first.launch.instanceType, 40) : 'instances';
    const count = instancesLaunched(records);
    const upTo = first.launch?.instanceIdsUnknown && first.outcome === 'success' ? 'up to ' : '';
    return count > 1 ? `${upTo}${count} ${times} ${type}` : type;
  }
  return describeTargets(
    records.map((r) => (r.instanceId ? { ...r, instanceId: shown(r.instanceId, 40) } : r)),
  );
}

/** "root launched 3 × p5.48xlarge in us-east-1", or "bob tried to stop i-0abc in eu-west-1 (AccessDenied)". */
export function headline(records: readonly AttributionRecord[], times = '×'): string {
  const first = records[0];
  if (!first) return '';
  // A trail call or a service change is named by its call: "called SetDesiredCapacity on …".
  const byCall = isTrailAction(first.action) || first.action === SERVICE_CHANGE;
  const verb =
    first.outcome === 'failed'
      ? `tried to ${byCall ? `${first.action === SERVICE_CHANGE ? 'call ' : ''}${shown(first.eventName, 40)}` : first.action}`
      : first.action === SERVICE_CHANGE
        ? `called ${shown(first.eventName, 40)}`
        : ACTION_VERBS[first.action];
  const where = first.region ? ` in ${shown(first.region, 30)}` : '';
  const error =
    first.outcome === 'failed' && first.errorCode
      ? ` (${shown(first.errorCode.replace(/^Client\./, ''), 60)})`
      : '';
  const what = whatOf(records, times);
  return `${who(first)} ${verb}${what ? ` ${what}` : ''}${where}${error}`;
}

/** Only a well-formed instance id gets a console link. */
const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

/** A link line, or none where the partition has no public console. */
function linked(label: string, url: string | null): string[] {
  return url === null ? [] : [`${label}: ${url}`];
}

function yesNo(value: boolean | null): string {
  return value === null ? 'unknown' : value ? 'yes' : 'no';
}

/** One labelled line of the email; `value` is ours or already passed through `shown`/`quoted`. */
function field(label: string, value: string | number | null | undefined): string {
  return `  ${`${label}:`.padEnd(Math.max(16, label.length + 2))}${value === null || value === undefined || value === '' ? '-' : flat(String(value), 2_000)}`;
}

/** A value from the event, as `field` shows it: `-` when absent. */
function ev(value: string | null | undefined, max?: number): string | null {
  return value === null || value === undefined || value === '' ? null : shown(value, max);
}

/** The rules broken, each once, in the order they were found. */
function rulesOf(violations: readonly Violation[]): RuleId[] {
  return [...new Set(violations.map((v) => v.rule))];
}

function emailBody(
  records: readonly AttributionRecord[],
  violations: readonly Violation[],
  severity: string,
  accountName: string | null,
  advice: Readonly<Record<RuleId, string>>,
): string {
  const first = records[0];
  if (!first) return '';
  const { actor, source, launch } = first;
  const ids = records.flatMap((r) => (r.instanceId ? [r.instanceId] : []));
  // Links are built from identifier-shaped values only; anything else would not be a real id.
  const region = first.region && /^[a-z0-9-]+$/.test(first.region) ? first.region : 'us-east-1';
  const link = (path: string) => consoleUrl(region, `${path.replace('{region}', region)}`);
  const tool = actor.viaConsole
    ? `AWS console${source.userAgent ? ` (${quoted(source.userAgent, 150)})` : ''}`
    : source.tool + (source.sdkLanguage ? ` (${shown(source.sdkLanguage, 40)})` : '');
  const account = first.account ? shown(first.account, 40) : null;
  const accountLabel = accountName ? quoted(accountName, 80) : null;
  const tags = launch ? Object.entries(launch.tags) : [];
  const template = launch?.launchTemplate;
  // Every line starts with text of ours: values from the event are flattened, capped and
  // quoted where they could pass for prose, so none can start a line of its own.
  const lines = [
    `ec2trail alert: ${severity.toUpperCase()}`,
    '',
    `Summary: ${headline(records)}${account ? ` (account ${account}${accountLabel ? `, ${accountLabel}` : ''})` : ''}.`,
    '',
    `Broken rule${violations.length > 1 ? 's' : ''}`,
    ...violations.map((v) => `  [${v.severity.toUpperCase()}] ${v.rule}: ${flat(v.message, 600)}`),
    '',
    'What to do',
    ...rulesOf(violations).map((rule) => `  ${rule}: ${flat(advice[rule], 600)}`),
    '',
    'Who',
    field('Name', ev(actor.name, 120)),
    ...whoseName(actor),
    field('ARN', ev(actor.arn, 300)),
    field('Identity type', actor.type),
    ...(actor.roleName ? [field('Role', ev(actor.roleName, 120))] : []),
    ...(actor.sessionName ? [field('Session', ev(actor.sessionName, 120))] : []),
    ...(actor.invokedBy ? [field('Invoked by', ev(actor.invokedBy, 120))] : []),
    field(
      'MFA',
      mfaKnowable(actor)
        ? yesNo(actor.mfaAuthenticated)
        : 'not judged: AWS records it only for IAM users and root',
    ),
    field('Tool', tool),
    ...(first.via && !first.lineage.byPerson
      ? [
          field('Acting for', `${first.via.resourceType} ${ev(first.via.resourceId, 160)}`),
          field('Behind', ev(first.initiator?.name ?? first.initiator?.arn ?? null, 120)),
          field('Why', flat(first.initiatorReason ?? '', 400)),
        ]
      : []),
    field('Source IP', ev(source.ip, 80)),
    '',
    'What',
    field(
      'Action',
      `${first.action} (${shown(first.eventName, 60)}), ${first.outcome}${first.errorCode ? `: ${shown(first.errorCode, 80)}` : ''}`,
    ),
    ...(first.errorMessage ? [field('Error', quoted(first.errorMessage, 300))] : []),
    ...(first.trail
      ? [field('Trail', ev(first.trail, 300))]
      : [
          field(
            'Instances',
            ids.length > 0
              ? ids
                  .slice(0, 50)
                  .map((id) => shown(id, 40))
                  .join(', ')
              : launch?.instanceIdsUnknown && first.outcome === 'success'
                ? `unknown: CloudTrail omitted the response (up to ${launch.instanceCount} requested)`
                : 'none',
          ),
        ]),
    ...(launch
      ? [
          field('Instance type', ev(launch.instanceType, 40)),
          field('AMI', ev(launch.imageId, 80)),
          field(
            'Tags',
            tags.length === 0
              ? 'none'
              : tags
                  .slice(0, 30)
                  .map(([k, v]) => `${shown(k, 60)}=${quoted(v, 120)}`)
                  .join(', ') + (tags.length > 30 ? ` and ${tags.length - 30} more` : ''),
          ),
          field('IMDS tokens', ev(launch.httpTokens, 20)),
          field(
            'Public IP',
            launch.associatePublicIp === null ? 'subnet default' : yesNo(launch.associatePublicIp),
          ),
          ...(template
            ? [
                field(
                  'Launch template',
                  [template.id ?? template.name, template.version]
                    .flatMap((part) => (part ? [shown(part, 120)] : []))
                    .join(' v'),
                ),
              ]
            : []),
          ...(launch.autoScalingGroup ? [field('Auto Scaling', ev(launch.autoScalingGroup, 200))] : []),
        ]
      : []),
    '',
    'Where',
    field('Account', account && accountLabel ? `${account} (${accountLabel})` : account),
    field('Region', ev(first.region, 30)),
    '',
    'When',
    field('Time', ev(first.eventTime, 60) ?? 'unknown'),
    '',
    'Links',
    ...(first.eventId
      ? linked(
          '  CloudTrail event',
          link(`cloudtrailv2/home?region={region}#/events/${encodeURIComponent(first.eventId)}`),
        )
      : []),
    ...ids
      .filter((id) => INSTANCE_ID.test(id))
      .slice(0, 20)
      .flatMap((id) =>
        linked(
          `  Instance ${shown(id, 40)}`,
          link(`ec2/home?region={region}#InstanceDetails:instanceId=${encodeURIComponent(id)}`),
        ),
      ),
    ...(ids.length > 20 ? [`  …and ${plural(ids.length - 20, 'more instance', 'more instances')}`] : []),
    '',
    `Event ${shown(first.eventKey, 100)}. Sent by ec2trail.`,
  ];
  return lines.join('\n');
}

function jsonBody(
  records: readonly AttributionRecord[],
  violations: readonly Violation[],
  severity: string,
  accountName: string | null,
  advice: Readonly<Record<RuleId, string>>,
): string {
  const first = records[0];
  const body = {
    source: 'ec2trail',
    severity,
    summary: headline(records),
    accountName,
    violations,
    advice: Object.fromEntries(rulesOf(violations).map((rule) => [rule, advice[rule]])),
    instanceIds: records.flatMap((r) => (r.instanceId ? [r.instanceId] : [])),
    record: first,
  };
  const text = JSON.stringify(body);
  if (text.length <= JSON_BUDGET || !first) return text;
  // A record that large carries huge free-text fields; the alert keeps who, what and where.
  const { errorMessage: _e, warnings: _w, launch: _l, ...essentials } = first;
  return JSON.stringify({ ...body, record: { ...essentials, truncated: true } });
}

/** As many items as fit in `room` characters, then "+N" for the rest. */
function fitList(items: readonly string[], room: number): string {
  for (let shown = items.length; shown > 0; shown--) {
    const rest = items.length - shown;
    const text = items.slice(0, shown).join(', ') + (rest > 0 ? ` +${rest}` : '');
    if (text.length <= room) return text;
  }
  return `${items.length} rules`;
}

/** What the alert can say beyond the record. */
export interface AlertContext {
  /** The account's name in AWS Organizations, when it could be read. */
  readonly accountName?: string | null;
  /** What to do about each rule, from the policy (`adviceOf`); the defaults when absent. */
  readonly advice?: Readonly<Record<RuleId, string>>;
}

/** Renders the alert for one event; `violations` must not be empty. */
export function renderAlert(
  records: readonly AttributionRecord[],
  violations: readonly Violation[],
  context: AlertContext = {},
): AlertMessage {
  const first = records[0];
  const severity = highestSeverity(violations) ?? 'info';
  const rules = rulesOf(violations);
  const advice = context.advice ?? DEFAULT_ADVICE;
  const tag = `[${severity.toUpperCase()}]`;
  const subject = cut(oneLine(`${tag} ${headline(records)}`), SUBJECT_MAX);
  const accountId = first?.account ? shown(first.account, 40) : null;
  const account = context.accountName
    ? `${quoted(context.accountName, 40)} (${accountId ?? '?'})`
    : accountId;
  const smsHead = gsmSafe(
    `ec2trail ${severity.toUpperCase()}: ${headline(records, 'x')}${account ? ` acct ${account}` : ''}.`,
  );
  const smsText = `${smsHead} Rules: ${fitList(rules, SMS_MAX - gsmLength(smsHead) - ' Rules: '.length)}`;
  return {
    subject,
    email: emailBody(records, violations, severity, context.accountName ?? null, advice),
    sms: cutGsm(smsText, SMS_MAX),
    json: jsonBody(records, violations, severity, context.accountName ?? null, advice),
    attributes: {
      severity,
      rules: rules.join(','),
      kind: 'alert',
      action: first?.action ?? 'unknown',
      account: first?.account ?? 'unknown',
      region: first?.region ?? 'unknown',
      initiator: initiatorAttribute(first),
      ...personAddressOf(first),
    },
  };
}

/** Prefixed to the subject of an alert that may repeat one sent earlier. */
export const REPEAT_TAG = '[REPEAT?]';

/**
 * The same alert, flagged as possibly sent before: its earlier sender died after claiming it,
 * maybe after publishing. People see it at once; filters can drop it on `repeat`.
 */
export function asPossibleRepeat(message: AlertMessage): AlertMessage {
  return {
    ...message,
    subject: cut(`${REPEAT_TAG} ${message.subject}`, SUBJECT_MAX),
    email: `This alert may repeat one sent earlier: a previous attempt to send it did not confirm.\n\n${message.email}`,
    sms: cutGsm(`${REPEAT_TAG} ${message.sms}`, SMS_MAX),
    attributes: { ...message.attributes, repeat: 'possible' },
  };
}

/** How late an event reached ec2trail: from the trail's log file, or from EventBridge long after the call. */
export interface LateArrival {
  /** Seconds from the event to the moment it was processed. */
  readonly lagSeconds: number;
  /**
   * `trail`: from the trail's log file in S3; `live`: EventBridge delivered it, but more than
   * `LATE_AFTER_SECONDS` after the call (a long retry, a redrive from the dead-letter queue).
   */
  readonly source: 'trail' | 'live';
  /** For `trail`: true when no live delivery had recorded the event; false when only its alert was missing. */
  readonly undelivered: boolean;
}

/**
 * A live event older than this is alerted as late: EventBridge hands CloudTrail events on within
 * minutes, so an hour means a retry or a redrive, and the alert must not read as happening now.
 */
export const LATE_AFTER_SECONDS = 3_600;

/**
 * The same alert, marked as late: it comes from the trail's log file in S3, because EventBridge
 * never delivered the event (or the live path failed before alerting), or EventBridge delivered it
 * long after the call. Whoever reads it must know the call is not happening now but `lag` ago.
 * A late alert carries the `late` attribute, which the text-message subscriptions filter out: a
 * late event never pages like a fresh one.
 */
export function asLateArrival(message: AlertMessage, late: LateArrival): AlertMessage {
  const lag = describeLag(late.lagSeconds);
  const tag = `[LATE ${lag}]`;
  const why =
    late.source === 'live'
      ? 'EventBridge delivered it late (a retry that lasted, or a redrive from the dead-letter queue)'
      : late.undelivered
        ? 'EventBridge did not deliver it, so it was recovered from the trail log file in S3'
        : 'the live path recorded it but did not alert, so the alert was sent from the trail log file in S3';
  let json = message.json;
  try {
    const body = JSON.parse(message.json) as Record<string, unknown>;
    json = JSON.stringify({
      ...body,
      late: { source: late.source, lagSeconds: Math.round(late.lagSeconds), undelivered: late.undelivered },
    });
  } catch {
    // A body that is not an object stays as it is: the attributes still say it is late.
  }
  return {
    subject: cut(`${tag} ${message.subject}`, SUBJECT_MAX),
    email: `LATE: this call happened ${lag} before this alert. ${why}.\n\n${message.email}`,
    sms: cutGsm(`${gsmSafe(tag)} ${message.sms}`, SMS_MAX),
    json,
    attributes: { ...message.attributes, late: late.source, lagSeconds: String(Math.round(late.lagSeconds)) },
  };
}
