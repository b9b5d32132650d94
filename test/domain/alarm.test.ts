/**
 * Alarm notifications as alerts: the severity from the alarm's description, the words, and the
 * console link in each partition. Pure: the relay's delivery is in test/lambda/alarm-relay.int.test.ts.
 */

import { alarmDescription, alarmSeverity, renderAlarmNotification } from '../../lambda/domain/alarm';
import { loadJson } from '../helpers/fixtures';

const NOTIFICATION = loadJson('alarms/dead-letters-alarm.json') as Record<string, unknown>;

function withState(state: string, description: string | undefined = String(NOTIFICATION.AlarmDescription)) {
  return JSON.stringify({ ...NOTIFICATION, NewStateValue: state, AlarmDescription: description });
}

describe('alarm severities', () => {
  it.each([
    ['ALARM', alarmDescription('critical', 'x'), 'critical'],
    ['ALARM', alarmDescription('warning', 'x'), 'warning'],
    ['ALARM', alarmDescription('info', 'x'), 'info'],
    // An alarm added by hand, without the convention, still goes out as a warning.
    ['ALARM', 'someone else’s alarm', 'warning'],
    ['OK', alarmDescription('critical', 'x'), 'info'],
    ['INSUFFICIENT_DATA', alarmDescription('critical', 'x'), 'info'],
  ])('a notification in state %s described "%s" has severity %s', (state, description, severity) => {
    expect(alarmSeverity({ NewStateValue: state, AlarmDescription: description })).toBe(severity);
    expect(renderAlarmNotification(withState(state, description)).attributes.severity).toBe(severity);
  });
});

describe('alarm notifications as alerts', () => {
  const alert = renderAlarmNotification(JSON.stringify(NOTIFICATION));

  it('says what failed, in words from the alarm description, with a link to the alarm', () => {
    expect(alert.subject).toMatch(
      /^\[CRITICAL\] ec2trail pipeline alarm: events are in the dead-letter queue: .*…$/,
    );
    expect(alert.subject.length).toBeLessThan(100);
    expect(alert.email).toContain('  State:          OK -> ALARM');
    expect(alert.email).toContain('  Region:         eu-west-1');
    expect(alert.email).toContain(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/Ec2Trail-MonitoringDeadLettersWaiting5E2B1C7A-1X2Y3Z4W5V6U',
    );
    expect(alert.attributes).toEqual({
      severity: 'critical',
      kind: 'alarm',
      rules: 'alarm',
      account: '111122223333',
      region: 'eu-west-1',
    });
    expect(JSON.parse(alert.json).alarm.AlarmName).toBe(NOTIFICATION.AlarmName);
  });

  it('passes on a message that is not an alarm notification as a warning holding its text', () => {
    const odd = renderAlarmNotification('plain text\nEvil: line');
    expect(odd.attributes.severity).toBe('warning');
    expect(odd.email).toContain('  Message:        "plain text Evil: line"');
  });
});

describe('the alarm link in each partition', () => {
  const inRegion = (region: string) =>
    renderAlarmNotification(
      JSON.stringify({ ...NOTIFICATION, AlarmArn: `arn:aws:cloudwatch:${region}:111122223333:alarm:x` }),
    ).email;

  it.each([
    [
      'us-gov-west-1',
      'https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1#alarmsV2:alarm/',
    ],
    ['cn-north-1', 'https://console.amazonaws.cn/cloudwatch/home?region=cn-north-1#alarmsV2:alarm/'],
  ])('in %s opens its own console', (region, link) => {
    expect(inRegion(region)).toContain(link);
  });

  it('gives no link where no public console is', () => {
    expect(inRegion('us-iso-east-1')).not.toContain('https://');
  });
});
