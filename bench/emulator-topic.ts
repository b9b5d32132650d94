import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';

/** A topic on the SNS emulator, and the client that reaches it: what the bench's handlers publish to. */
export async function emulatorTopic(
  endpoint: string,
  name: string,
): Promise<{ sns: SNSClient; topicArn: string }> {
  const sns = new SNSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  if (!TopicArn) throw new Error(`the SNS emulator created no topic ${name}`);
  return { sns, topicArn: TopicArn };
}
