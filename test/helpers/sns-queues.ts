/** SQS queues subscribed to an emulated SNS topic: how tests read what was published. */

import { SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { snsClient, sqsClient } from './services';

/** Subscribes a fresh SQS queue to the topic, optionally with a filter policy on message attributes. */
export async function subscribedQueue(
  topicArn: string,
  name: string,
  filterPolicy?: object,
): Promise<string> {
  const sqs = sqsClient();
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (!QueueUrl) throw new Error('no queue url');
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await snsClient().send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: Attributes?.QueueArn,
      Attributes: filterPolicy ? { FilterPolicy: JSON.stringify(filterPolicy) } : {},
    }),
  );
  return QueueUrl;
}

/** The SNS envelopes waiting in the queue (up to 10). */
export async function receive(queueUrl: string, waitSeconds = 1) {
  const { Messages } = await sqsClient().send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds }),
  );
  return (Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}'));
}
