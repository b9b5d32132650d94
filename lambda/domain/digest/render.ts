/**
 * A digest as words: the email a manager reads, a one-line SMS, the JSON for machines, and the
 * attributes (`kind=digest`, `scope`, and for a person `person`/`personArn`) that subscription
 * filter policies choose by.
 */

import type { AlertMessage } from '../alert';
import { HOURS_PER_MONTH } from '../inventory/snapshot';
import { cut, cutGsm, gsmSafe, oneLine, plural, shown } from '../text';
import { DIGEST_LIST_MAX, type Digest, type DigestAddress } from './summarize';

function minute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** At most DIGEST_LIST_MAX lines, then how many more there were. */
function listed<T>(items: readonly T[], line: (item: T) => string): string[] {
  const lines = items.slice(0, DIGEST_LIST_MAX).map((item) => `  ${line(item)}`);
  const rest = items.length - DIGEST_LIST_MAX;
  return rest > 0 ? [...lines, `  …and ${rest} more`] : lines;
}

function section<T>(title: string, items: readonly T[], line: (item: T) => string, none: string): string[] {
  return ['', title, ...(items.length > 0 ? listed(items, line) : [`  ${none}`])];
}

function whose(digest: Digest): string {
  return digest.scope.kind === 'team' ? 'everyone' : shown(digest.scope.person, 80);
}

const usd = (value: number) => `USD ${value.toFixed(2)}`;

/** A threshold in words: whole days from a day up, else hours, minutes or seconds. */
export function lengthOfDays(days: number): string {
  const seconds = Math.round(days * 86_400);
  if (seconds >= 86_400) return plural(Math.round(seconds / 86_400), 'day');
  if (seconds >= 3_600) return plural(Math.round(seconds / 3_600), 'hour');
  if (seconds >= 60) return plural(Math.round(seconds / 60), 'minute');
  return plural(seconds, 'second');
}

/** The possibly forgotten instances, when an inventory was taken lately: the dearest first. */
function forgottenLines(digest: Digest): string[] {
  const f = digest.forgotten;
  if (!f) return [];
  const lines = section(
    `Running for a long time, untouched (more than ${lengthOfDays(f.afterDays)}; inventory of ${minute(f.asOf)}, ${plural(f.regions, 'region')})`,
    f.instances,
    (i) =>
      `${shown(i.instanceId, 40)} ${shown(i.instanceType ?? '?', 30)} (${shown(i.account ?? '?', 20)}, ${shown(i.region, 30)}) ` +
      `for ${i.person ? shown(i.person, 120) : 'no known person'}${i.service ? ` via ${shown(i.service, 80)}` : ''}: ` +
      `launched ${i.launchedAt ? i.launchedAt.slice(0, 10) : 'at an unknown time'}, ` +
      `last touched ${i.lastTouch ? i.lastTouch.slice(0, 10) : 'never that ec2trail saw'}; ` +
      `${i.hourlyUsd === null ? 'no price' : `about ${usd(i.hourlyUsd * HOURS_PER_MONTH)} a month`}`,
    'none',
  );
  return f.total > 0
    ? [
        ...lines,
        `  ${plural(f.total, 'instance')} in all, about ${usd(f.monthlyUsd)} a month at list prices (an estimate)`,
      ]
    : lines;
}

/** The one-sentence summary the subject, SMS and email share. */
export function digestSummary(digest: Digest): string {
  const t = digest.totals;
  const a = digest.alertsBySeverity;
  return (
    `${plural(t.instancesLaunched, 'instance')} launched in ${plural(t.launchCalls, 'call')}, ` +
    `${t.stops} stopped, ${t.starts} started, ${t.terminations} terminated, ` +
    `${plural(t.failedAttempts, 'failed attempt')}; ${plural(t.alerts, 'alert')}` +
    (t.alerts > 0 ? ` (${a.critical} critical, ${a.warning} warning, ${a.info} info)` : '')
  );
}

export function digestEmail(digest: Digest): string {
  const lines = [
    `ec2trail digest for ${whose(digest)}: ${minute(digest.from)} to ${minute(digest.to)}`,
    '',
    `Summary: ${digestSummary(digest)}.`,
    ...section(
      'Broken rules (events)',
      digest.violationsByRule,
      (r) => `${shown(r.name, 60)}: ${r.count}`,
      'none',
    ),
    ...section(
      'Top launchers (instances)',
      digest.topLaunchers,
      (l) => `${shown(l.name, 120)}: ${l.count}`,
      'nobody launched anything',
    ),
    ...(digest.optedOutAtLaunch.length > 0
      ? section(
          'Opted out at launch (ec2trail:ack or ec2trail:protected in the request; instances)',
          digest.optedOutAtLaunch,
          (l) => `${shown(l.name, 120)}: ${l.count}`,
          'none',
        )
      : []),
    ...section(
      'Still running after breaking a rule',
      digest.stillRunning,
      (s) =>
        `${shown(s.instanceId, 40)} [${s.severity.toUpperCase()}] ${s.rules.map((r) => shown(r, 60)).join(', ')}: ` +
        `launched by ${shown(s.launchedBy, 120)} at ${s.launchedAt ? minute(s.launchedAt) : 'an unknown time'}` +
        ` (${shown(s.account ?? '?', 20)}, ${shown(s.region ?? '?', 30)})`,
      'none',
    ),
    ...forgottenLines(digest),
    ...section(
      'Launched by services',
      digest.services,
      (s) =>
        `${shown(s.service, 80)} for ${s.person ? shown(s.person, 120) : 'no known person'}: ${plural(s.instances, 'instance')}`,
      'none',
    ),
    ...section(
      'Failed attempts',
      digest.failed,
      (f) =>
        `${shown(f.person, 120)}: ${shown(f.eventName, 60)} refused with ${shown(f.errorCode, 80)} ×${f.count}`,
      'none',
    ),
    '',
    'Sent by ec2trail. Ask the table for details: ec2trail who INSTANCE-ID, ec2trail activity PERSON.',
  ];
  return lines.join('\n');
}

/** Lists in the JSON body: enough for any reader, and far under SNS's 256 KB however busy the window. */
const JSON_LIST_MAX = 200;

function withinBudget(digest: Digest): Digest & { readonly omitted?: Record<string, number> } {
  const lists = [
    'violationsByRule',
    'topLaunchers',
    'optedOutAtLaunch',
    'stillRunning',
    'services',
    'failed',
  ] as const;
  const omitted: Record<string, number> = {};
  const kept: Record<string, unknown> = {};
  for (const name of lists) {
    const list = digest[name] as readonly unknown[];
    kept[name] = list.slice(0, JSON_LIST_MAX);
    if (list.length > JSON_LIST_MAX) omitted[name] = list.length - JSON_LIST_MAX;
  }
  return { ...digest, ...kept, ...(Object.keys(omitted).length > 0 ? { omitted } : {}) };
}

/** The digest as an SNS message for the alert topic. */
export function renderDigest(digest: Digest, address?: DigestAddress): AlertMessage {
  const head = `ec2trail digest (${whose(digest)}), ${digest.from.slice(0, 10)} to ${digest.to.slice(0, 10)}`;
  return {
    subject: cut(
      oneLine(
        `[DIGEST] ${whose(digest)}: ${plural(digest.totals.instancesLaunched, 'launch', 'launches')}, ${plural(digest.totals.alerts, 'alert')} to ${digest.to.slice(0, 10)}`,
      ),
      99,
    ),
    email: digestEmail(digest),
    sms: cutGsm(gsmSafe(`${head}: ${digestSummary(digest)}`), 160),
    json: JSON.stringify({ source: 'ec2trail', kind: 'digest', ...withinBudget(digest) }),
    attributes: {
      kind: 'digest',
      scope: digest.scope.kind,
      ...(address ? { person: address.person, personArn: address.personArn } : {}),
    },
  };
}
