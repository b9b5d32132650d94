/** Alert messages for one event that broke the policy: email, SMS and JSON, built from plain data. */

import { ACTION_VERBS, isTrailAction } from './actions';
import { describeTargets, highestSeverity, type Violation } from './policy/evaluate';
import type { AttributionRecord } from './record';

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

/** Removes line breaks and control characters: SNS rejects them in a subject. */
function oneLine(text: string): string {
  return text
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function cut(text: string, max: number, ellipsis = '…'): string {
  return text.length <= max ? text : `${text.slice(0, max - ellipsis.length).trimEnd()}${ellipsis}`;
}

/** GSM-7 safe text: one SMS holds 160 such characters, but only 70 once any other character appears. */
function gsmSafe(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, (c) => (c === '×' ? 'x' : ''))
    .replace(/[[\]{}\\^~|`]/g, '');
}

function who(record: AttributionRecord): string {
  return record.actor.name ?? record.actor.arn ?? 'an unidentified caller';
}

function whatOf(records: readonly AttributionRecord[], times: string): string {
  const first = records[0];
  if (!first) return '';
  // A trail ARN is long; its name says enough in a subject (the email shows the ARN).
  if (isTrailAction(first.action))
    return first.trail?.replace(/^arn:[^:]*:cloudtrail:[^:]*:\d*:trail\//, '') ?? 'a trail';
  if (first.action === 'launch') {
    const type = first.launch?.instanceType ?? 'instances';
    const count = records.filter((r) => r.instanceId !== null).length;
    return count > 1 ? `${count} ${times} ${type}` : type;
  }
  return describeTargets(records);
}

/** "root launched 3 × p5.48xlarge in us-east-1", or "bob tried to stop i-0abc in eu-west-1 (AccessDenied)". */
export function headline(records: readonly AttributionRecord[], times = '×'): string {
  const first = records[0];
  if (!first) return '';
  const verb =
    first.outcome === 'failed'
      ? `tried to ${isTrailAction(first.action) ? first.eventName : first.action}`
      : ACTION_VERBS[first.action];
  const where = first.region ? ` in ${first.region}` : '';
  const error =
    first.outcome === 'failed' && first.errorCode ? ` (${first.errorCode.replace(/^Client\./, '')})` : '';
  return `${who(first)} ${verb} ${whatOf(records, times)}${where}${error}`;
}

function consoleBase(region: string | null): string {
  const r = region ?? 'us-east-1';
  const host = r.startsWith('cn-') ? `${r}.console.amazonaws.cn` : `${r}.console.aws.amazon.com`;
  return `https://${host}`;
}

function yesNo(value: boolean | null): string {
  return value === null ? 'unknown' : value ? 'yes' : 'no';
}

function field(label: string, value: string | number | null | undefined): string {
  return `  ${`${label}:`.padEnd(16)}${value === null || value === undefined || value === '' ? '-' : value}`;
}

function emailBody(
  records: readonly AttributionRecord[],
  violations: readonly Violation[],
  severity: string,
  accountName: string | null,
): string {
  const first = records[0];
  if (!first) return '';
  const { actor, source, launch } = first;
  const ids = records.flatMap((r) => (r.instanceId ? [r.instanceId] : []));
  const base = consoleBase(first.region);
  const region = first.region ?? 'us-east-1';
  const via = actor.viaConsole
    ? `AWS console${source.userAgent ? ` (${source.userAgent})` : ''}`
    : source.tool + (source.sdkLanguage ? ` (${source.sdkLanguage})` : '');
  const lines = [
    `ec2trail alert: ${severity.toUpperCase()}`,
    '',
    `${headline(records)}${first.account ? ` (account ${first.account}${accountName ? `, ${accountName}` : ''})` : ''}.`,
    '',
    `Broken rule${violations.length > 1 ? 's' : ''}`,
    ...violations.map((v) => `  [${v.severity.toUpperCase()}] ${v.rule}: ${v.message}`),
    '',
    'Who',
    field('Name', actor.name),
    field('ARN', actor.arn),
    field('Identity type', actor.type),
    ...(actor.roleName ? [field('Role', actor.roleName)] : []),
    ...(actor.sessionName ? [field('Session', actor.sessionName)] : []),
    ...(actor.invokedBy ? [field('Invoked by', actor.invokedBy)] : []),
    field('MFA', yesNo(actor.mfaAuthenticated)),
    field('Via', via),
    field('Source IP', source.ip),
    '',
    'What',
    field(
      'Action',
      `${first.action} (${first.eventName}), ${first.outcome}${first.errorCode ? `: ${first.errorCode}` : ''}`,
    ),
    ...(first.errorMessage ? [field('Error', cut(oneLine(first.errorMessage), 300))] : []),
    ...(first.trail
      ? [field('Trail', first.trail)]
      : [field('Instances', ids.length > 0 ? ids.join(', ') : 'none')]),
    ...(launch
      ? [
          field('Instance type', launch.instanceType),
          field('AMI', launch.imageId),
          field(
            'Requested tags',
            Object.entries(launch.tags)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ') || 'none',
          ),
          field('IMDS tokens', launch.httpTokens),
          field(
            'Public IP',
            launch.associatePublicIp === null ? 'subnet default' : yesNo(launch.associatePublicIp),
          ),
          ...(launch.launchTemplate
            ? [
                field(
                  'Launch template',
                  [launch.launchTemplate.id ?? launch.launchTemplate.name, launch.launchTemplate.version]
                    .filter(Boolean)
                    .join(' v'),
                ),
              ]
            : []),
          ...(launch.autoScalingGroup ? [field('Auto Scaling', launch.autoScalingGroup)] : []),
        ]
      : []),
    '',
    'Where',
    field('Account', first.account && accountName ? `${first.account} (${accountName})` : first.account),
    field('Region', first.region),
    '',
    'When',
    `  ${first.eventTime ?? 'unknown'}`,
    '',
    'Links',
    ...(first.eventId
      ? [
          `  CloudTrail event: ${base}/cloudtrailv2/home?region=${region}#/events/${encodeURIComponent(first.eventId)}`,
        ]
      : []),
    ...ids
      .slice(0, 20)
      .map((id) => `  ${id}: ${base}/ec2/home?region=${region}#InstanceDetails:instanceId=${id}`),
    ...(ids.length > 20 ? [`  …and ${ids.length - 20} more instances`] : []),
    '',
    `Event ${first.eventKey}. Sent by ec2trail.`,
  ];
  return lines.join('\n');
}

function jsonBody(
  records: readonly AttributionRecord[],
  violations: readonly Violation[],
  severity: string,
  accountName: string | null,
): string {
  const first = records[0];
  const body = {
    source: 'ec2trail',
    severity,
    summary: headline(records),
    accountName,
    violations,
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
}

/** Renders the alert for one event; `violations` must not be empty. */
export function renderAlert(
  records: readonly AttributionRecord[],
  violations: readonly Violation[],
  context: AlertContext = {},
): AlertMessage {
  const first = records[0];
  const severity = highestSeverity(violations) ?? 'info';
  const rules = [...new Set(violations.map((v) => v.rule))];
  const tag = `[${severity.toUpperCase()}]`;
  const subject = cut(oneLine(`${tag} ${headline(records)}`), SUBJECT_MAX);
  const account = context.accountName ? `${context.accountName} (${first?.account ?? '?'})` : first?.account;
  const smsHead = gsmSafe(
    `ec2trail ${severity.toUpperCase()}: ${headline(records, 'x')}${account ? ` acct ${account}` : ''}.`,
  );
  const smsText = `${smsHead} Rules: ${fitList(rules, SMS_MAX - smsHead.length - ' Rules: '.length)}`;
  return {
    subject,
    email: emailBody(records, violations, severity, context.accountName ?? null),
    sms: cut(smsText, SMS_MAX, '...'),
    json: jsonBody(records, violations, severity, context.accountName ?? null),
    attributes: {
      severity,
      rules: rules.join(','),
      action: first?.action ?? 'unknown',
      account: first?.account ?? 'unknown',
      region: first?.region ?? 'unknown',
    },
  };
}
