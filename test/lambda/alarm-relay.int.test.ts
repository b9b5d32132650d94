import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { SnsAlertPublisher } from '../../lambda/adapters/sns-alert-publisher';
import { createAlarmRelay, NotAnSnsEventError } from '../../lambda/alarm-relay/handler';
import { alarmDescription } from '../../lambda/domain/alarm';
import { FakeLog, FakePublisher } from '../helpers/fakes';
import { loadJson } from '../helpers/fixtures';
import { snsClient } from '../helpers/services';
import { receive, subscribedQueue } from '../helpers/sns-queues';

const NOTIFICATION = loadJson('alarms/dead-letters-alarm.json') as Record<string, unknown>;

function snsEvent(...messages: string[]) {
  return {
    Records: messages.map((Message, i) => ({
      EventSource: 'aws:sns',
      Sns: { Type: 'Notification', MessageId: `m-${i}`, Message },
    })),
  };
}

function withState(state: string, description: string | undefined = String(NOTIFICATION.AlarmDescription)) {
  return JSON.stringify({ ...NOTIFICATION, NewStateValue: state, AlarmDescription: description });
}

describe('alarm relay', () => {
  it('publishes one alert per SNS record', async () => {
    const publisher = new FakePublisher();
    const relay = createAlarmRelay({ publisher, logger: new FakeLog() });
    expect(await relay(snsEvent(withState('ALARM'), withState('OK')))).toEqual({ relayed: 2 });
    expect(publisher.sent.map((m) => m.attributes.severity)).toEqual(['critical', 'info']);
  });

  it('rethrows a failed publish so Lambda retries the notification', async () => {
    const publisher = new FakePublisher();
    publisher.failWith = new Error('SNS is down');
    const relay = createAlarmRelay({ publisher, logger: new FakeLog() });
    await expect(relay(snsEvent(withState('ALARM')))).rejects.toThrow('SNS is down');
  });

  it('refuses, with a logged reason, an invocation that is not an SNS event', async () => {
    const logger = new FakeLog();
    const relay = createAlarmRelay({ publisher: new FakePublisher(), logger });
    await expect(relay({ detail: {} })).rejects.toBeInstanceOf(NotAnSnsEventError);
    expect(logger.lines.map((l) => l.level)).toEqual(['error']);
  });

  it('delivers critical alarms to an SMS-like critical-only subscription and warnings only to the email-like one', async () => {
    const { TopicArn } = await snsClient().send(new CreateTopicCommand({ Name: `relay-${Date.now()}` }));
    if (!TopicArn) throw new Error('no topic');
    const suffix = Math.random().toString(36).slice(2, 8);
    const criticalOnly = await subscribedQueue(TopicArn, `relay-sms-${suffix}`, { severity: ['critical'] });
    const warningUp = await subscribedQueue(TopicArn, `relay-mail-${suffix}`, {
      severity: ['warning', 'critical'],
    });
    const relay = createAlarmRelay({
      publisher: new SnsAlertPublisher(snsClient(), TopicArn),
      logger: new FakeLog(),
    });
    await relay(
      snsEvent(
        withState('ALARM'),
        withState('ALARM', alarmDescription('warning', 'the attribution function was throttled')),
      ),
    );
    const sms = await receive(criticalOnly);
    const mail = await receive(warningUp);
    expect(sms.map((m) => m.MessageAttributes.severity.Value)).toEqual(['critical']);
    expect(mail.map((m) => m.MessageAttributes.severity.Value).sort()).toEqual(['critical', 'warning']);
  });
});
