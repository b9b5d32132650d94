/**
 * The doctor reads every page of the lists it asks AWS for: subscriptions of the alert topic and
 * the instances of a StackSet. The pages are mocked (no AWS account here); the counts are the
 * pages' own.
 */
import {
  CloudFormationClient,
  DescribeStackSetCommand,
  ListStackInstancesCommand,
} from '@aws-sdk/client-cloudformation';
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsDoctor } from '../../cli/doctor/aws-doctor';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:ec2trail-alerts';

describe('doctor paging', () => {
  const sns = mockClient(SNSClient);
  const cfn = mockClient(CloudFormationClient);
  afterEach(() => {
    sns.reset();
    cfn.reset();
  });
  afterAll(() => {
    sns.restore();
    cfn.restore();
  });

  it('lists the subscriptions of every page', async () => {
    sns
      .on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC, NextToken: undefined })
      .resolves({
        Subscriptions: [{ Protocol: 'email', Endpoint: 'a@example.com', SubscriptionArn: `${TOPIC}:1` }],
        NextToken: 'page-2',
      })
      .on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC, NextToken: 'page-2' })
      .resolves({
        Subscriptions: [{ Protocol: 'sms', Endpoint: '+15550100', SubscriptionArn: 'PendingConfirmation' }],
      });
    const doctor = new AwsDoctor({ region: 'eu-west-1' });
    try {
      expect(await doctor.subscriptions(TOPIC)).toEqual([
        { protocol: 'email', endpoint: 'a@example.com', confirmed: true },
        { protocol: 'sms', endpoint: '+15550100', confirmed: false },
      ]);
    } finally {
      doctor.destroy();
    }
  });

  it('counts the StackSet instances of every page', async () => {
    cfn.on(DescribeStackSetCommand).resolves({ StackSet: { Status: 'ACTIVE' } });
    cfn
      .on(ListStackInstancesCommand, { StackSetName: 'ec2trail-forwarders', NextToken: undefined })
      .resolves({ Summaries: [{ Status: 'CURRENT' }, { Status: 'OUTDATED' }], NextToken: 't' })
      .on(ListStackInstancesCommand, { StackSetName: 'ec2trail-forwarders', NextToken: 't' })
      .resolves({ Summaries: [{ Status: 'CURRENT' }] });
    const doctor = new AwsDoctor({ region: 'eu-west-1' });
    try {
      expect(await doctor.stackSet('ec2trail-forwarders')).toEqual({
        status: 'ACTIVE',
        instances: 3,
        notCurrent: 1,
      });
    } finally {
      doctor.destroy();
    }
  });
});
