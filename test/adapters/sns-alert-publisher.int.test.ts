import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { SnsAlertPublisher } from '../../lambda/adapters/sns-alert-publisher';
import { chatNotificationOf } from '../../lambda/domain/chat-notification';
import type { AlertMessage } from '../../lambda/ports';
import { snsClient } from '../helpers/services';
import { receive, subscribedQueue } from '../helpers/sns-queues';

const MESSAGE: AlertMessage = {
  subject: '[CRITICAL] root launched 3 × p5.48xlarge in us-east-1',
  email: 'Who: root\nWhat: launch',
  sms: 'ec2trail CRITICAL: root launched 3 x p5.48xlarge us-east-1',
  json: JSON.stringify({ record: { action: 'launch' } }),
  attributes: {
    severity: 'critical',
    rules: 'root-user,instance-type',
    action: 'launch',
    account: '111122223333',
    region: 'us-east-1',
  },
};

describe('SnsAlertPublisher against the fauxqs SNS emulator', () => {
  let topicArn: string;

  beforeAll(async () => {
    const { TopicArn } = await snsClient().send(new CreateTopicCommand({ Name: `alerts-${Date.now()}` }));
    if (!TopicArn) throw new Error('no topic');
    topicArn = TopicArn;
  });

  it('publishes the subject, all three bodies and the filterable attributes', async () => {
    const queue = await subscribedQueue(topicArn, `all-${Date.now()}`);
    await new SnsAlertPublisher(snsClient(), topicArn).publish(MESSAGE);
    const [envelope, ...more] = await receive(queue);
    expect(more).toHaveLength(0);
    expect(envelope.Subject).toBe(MESSAGE.subject);
    // The emulator hands SQS the whole structure; real SNS picks the `default` body for SQS.
    expect(JSON.parse(envelope.Message)).toEqual({
      default: MESSAGE.json,
      email: MESSAGE.email,
      sms: MESSAGE.sms,
    });
    expect(envelope.MessageAttributes).toEqual({
      severity: { Type: 'String', Value: 'critical' },
      rules: { Type: 'String', Value: 'root-user,instance-type' },
      action: { Type: 'String', Value: 'launch' },
      account: { Type: 'String', Value: '111122223333' },
      region: { Type: 'String', Value: 'us-east-1' },
    });
  });

  it('lets a subscription filter on severity', async () => {
    const criticalOnly = await subscribedQueue(topicArn, `crit-${Date.now()}`, { severity: ['critical'] });
    const publisher = new SnsAlertPublisher(snsClient(), topicArn);
    await publisher.publish({ ...MESSAGE, attributes: { ...MESSAGE.attributes, severity: 'warning' } });
    await publisher.publish(MESSAGE);
    const delivered = await receive(criticalOnly);
    expect(delivered.map((m) => m.MessageAttributes.severity.Value)).toEqual(['critical']);
  });

  it('gives HTTPS subscribers (chat channels) the chat notification only when chat is on', async () => {
    const queue = await subscribedQueue(topicArn, `chat-${Date.now()}`);
    await new SnsAlertPublisher(snsClient(), topicArn, { chat: true }).publish(MESSAGE);
    const [envelope] = await receive(queue);
    const bodies = JSON.parse(envelope.Message);
    expect(Object.keys(bodies).sort()).toEqual(['default', 'email', 'https', 'sms']);
    expect(bodies.https).toBe(chatNotificationOf(MESSAGE));
    expect(bodies.default).toBe(MESSAGE.json);
  });
});
