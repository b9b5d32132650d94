/**
 * CloudWatch alarm notifications turned into alerts with a severity, so subscription filter
 * policies treat ec2trail's own alarms like policy alerts (a throttle is not an SMS page).
 */

import * as z from 'zod/mini';
import type { AlertMessage } from './alert';
import { consoleUrl } from './console-url';
import type { Severity } from './policy/schema';
import { cut, cutGsm, flat, gsmSafe, oneLine, quoted } from './text';

const SEVERITY_IN_DESCRIPTION = /^ec2trail \[(info|warning|critical)\]: /;

/**
 * The alarm description the stack writes: it carries the severity, which CloudWatch passes on in
 * every notification (alarm actions cannot set SNS message attributes themselves).
 */
export function alarmDescription(severity: Severity, text: string): string {
  return `ec2trail [${severity}]: ${text}`;
}

/** The fields of CloudWatch's SNS notification that the alert uses; the rest is passed on in the JSON. */
const AlarmNotificationSchema = z.looseObject({
  AlarmName: z.string(),
  AlarmDescription: z.optional(z.nullable(z.string())),
  AWSAccountId: z.optional(z.string()),
  NewStateValue: z.string(),
  OldStateValue: z.optional(z.string()),
  NewStateReason: z.optional(z.string()),
  StateChangeTime: z.optional(z.string()),
  AlarmArn: z.optional(z.string()),
});

export type AlarmNotification = z.infer<typeof AlarmNotificationSchema>;

/** The severity of a notification: the alarm's own in state ALARM, `info` when it recovers or lacks data. */
export function alarmSeverity(
  notification: Pick<AlarmNotification, 'AlarmDescription' | 'NewStateValue'>,
): Severity {
  if (notification.NewStateValue !== 'ALARM') return 'info';
  const match = SEVERITY_IN_DESCRIPTION.exec(notification.AlarmDescription ?? '');
  // An alarm someone added by hand without the convention still reaches people.
  const severity = match?.[1];
  return severity === 'info' || severity === 'warning' || severity === 'critical' ? severity : 'warning';
}

/** The region code in an alarm ARN (`arn:aws:cloudwatch:eu-west-1:…`), which the notification only names in words. */
function regionOf(alarmArn: string | undefined): string | null {
  return alarmArn?.split(':')[3] || null;
}

function consoleLink(notification: AlarmNotification, region: string | null): string | null {
  if (!region) return null;
  return consoleUrl(
    region,
    `cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(notification.AlarmName)}`,
  );
}

function renderKnown(notification: AlarmNotification): AlertMessage {
  const severity = alarmSeverity(notification);
  const description = (notification.AlarmDescription ?? '').replace(SEVERITY_IN_DESCRIPTION, '');
  const what = description || notification.AlarmName;
  const state = notification.NewStateValue;
  const region = regionOf(notification.AlarmArn);
  const tag = `[${severity.toUpperCase()}]`;
  const headline =
    state === 'ALARM' ? `ec2trail pipeline alarm: ${what}` : `ec2trail pipeline alarm is ${state}: ${what}`;
  const link = consoleLink(notification, region);
  const email = [
    `ec2trail alarm: ${severity.toUpperCase()}`,
    '',
    `Summary: ${flat(headline, 300)}`,
    '',
    `  Alarm:          ${flat(notification.AlarmName)}`,
    `  State:          ${flat(notification.OldStateValue ?? 'unknown')} -> ${flat(state)}`,
    `  Reason:         ${quoted(notification.NewStateReason ?? '', 500)}`,
    `  Account:        ${flat(notification.AWSAccountId ?? '-')}`,
    `  Region:         ${flat(region ?? '-')}`,
    `  Time:           ${flat(notification.StateChangeTime ?? '-')}`,
    ...(link ? [`  Console:        ${link}`] : []),
    '',
    'Sent by ec2trail from a CloudWatch alarm on its own pipeline.',
  ].join('\n');
  return {
    subject: cut(oneLine(`${tag} ${headline}`), 99),
    email,
    sms: cutGsm(gsmSafe(`ec2trail ${severity.toUpperCase()} alarm ${state}: ${what}`), 160),
    json: JSON.stringify({ source: 'ec2trail', kind: 'alarm', severity, alarm: notification }),
    attributes: {
      severity,
      kind: 'alarm',
      rules: 'alarm',
      account: notification.AWSAccountId ?? 'unknown',
      region: region ?? 'unknown',
    },
  };
}

/**
 * The alert for one SNS message from CloudWatch. A message that is not an alarm notification
 * is still passed on, as a warning holding its text: a relay never drops what it was given.
 */
export function renderAlarmNotification(message: string): AlertMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    parsed = undefined;
  }
  const result = AlarmNotificationSchema.safeParse(parsed);
  if (result.success) return renderKnown(result.data);
  return {
    subject: '[WARNING] ec2trail received an alarm notification it could not read',
    email: [
      'ec2trail alarm: WARNING',
      '',
      'Summary: a message on the alarm topic was not a CloudWatch alarm notification.',
      '',
      `  Message:        ${quoted(message, 2_000)}`,
      '',
      'Sent by ec2trail.',
    ].join('\n'),
    sms: 'ec2trail WARNING: unreadable alarm notification; see the email or the relay logs',
    json: JSON.stringify({
      source: 'ec2trail',
      kind: 'alarm',
      severity: 'warning',
      unreadable: cut(message, 200_000),
    }),
    attributes: { severity: 'warning', kind: 'alarm', rules: 'alarm', account: 'unknown', region: 'unknown' },
  };
}
