/** The handler with its real adapters, against DynamoDB Local and the fauxqs SNS emulator. */
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDbAlertLedger } from '../../lambda/adapters/dynamodb-alert-ledger';
import { DynamoDbAttributionStore } from '../../lambda/adapters/dynamodb-attribution-store';
import { SnsAlertPublisher } from '../../lambda/adapters/sns-alert-publisher';
import { compilePolicy } from '../../lambda/domain';
import { createHandler } from '../../lambda/handler';
import { DEFAULT_POLICY_FILE, readPolicyFile } from '../../lib/policy-file';
import { FakeLog, FakeMetrics } from '../helpers/fakes';
import { loadJson } from '../helpers/fixtures';
import { documentClient, dynamoClient, freshTable, snsClient, sqsClient } from '../helpers/services';

describe('handler with DynamoDB Local and the SNS emulator', () => {
  const client = dynamoClient();
  const documents = documentClient(client);
  let handle: ReturnType<typeof createHandler>;
  let queueUrl: string;

  beforeAll(async () => {
    const table = await freshTable(client, 'handler');
    const { TopicArn } = await snsClient().send(new CreateTopicCommand({ Name: `handler-${Date.now()}` }));
    const { QueueUrl } = await sqsClient().send(
      new CreateQueueCommand({ QueueName: `handler-${Date.now()}` }),
    );
    if (!TopicArn || !QueueUrl) throw new Error('emulator setup failed');
    queueUrl = QueueUrl;
    const { Attributes } = await sqsClient().send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await snsClient().send(
      new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn }),
    );
    handle = createHandler({
      // The fixtures' calls are months before the clock: lateness has its own tests (handler.test.ts).
      lateAfterSeconds: Number.POSITIVE_INFINITY,
      store: new DynamoDbAttributionStore(documents, table),
      ledger: new DynamoDbAlertLedger(documents, table),
      publisher: new SnsAlertPublisher(snsClient(), TopicArn),
      policy: compilePolicy(readPolicyFile(DEFAULT_POLICY_FILE)),
      logger: new FakeLog(),
      metrics: new FakeMetrics(),
      clock: () => new Date(),
    });
  });
  afterAll(() => client.destroy());

  async function received(): Promise<{ Subject: string; Message: string }[]> {
    const { Messages } = await sqsClient().send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    return (Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}'));
  }

  it('records a root launch once and alerts once, however often it is delivered', async () => {
    const event = {
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.ec2',
      detail: loadJson('events/runinstances-root-console.json'),
    };
    const results = await Promise.all(
      Array.from({ length: 5 }, () => handle(structuredClone(event)).catch((e: Error) => e.name)),
    );
    // Concurrent duplicates either succeed or ask for a retry while the alert is in flight.
    for (const result of results) if (typeof result === 'string') expect(result).toBe('AlertInFlightError');
    const retried = await handle(structuredClone(event));
    expect(retried).toMatchObject({ written: 0, duplicates: 3, alert: 'already-sent' });
    const messages = await received();
    expect(messages.map((m) => m.Subject)).toEqual(['[CRITICAL] root launched 3 × p5.48xlarge in us-east-1']);
  });

  it('flags termination of an instance whose stored launch carries a protected tag', async () => {
    const launch = loadJson('events/runinstances-iamuser-cli.json');
    const prod = JSON.parse(
      JSON.stringify(launch).replaceAll('"Environment","value":"staging"', '"Environment","value":"prod-eu"'),
    );
    await handle({
      'detail-type': 'AWS API Call via CloudTrail',
      detail: { ...prod, eventID: 'prod-launch' },
    });
    const result = await handle({
      'detail-type': 'AWS API Call via CloudTrail',
      detail: loadJson('events/terminateinstances-response-omitted.json'),
    });
    expect(result.violations.map((v) => v.message)).toEqual([
      'i-0a1b2c3d4e5f60001 is protected (Environment=prod-eu) and was terminated',
      'i-0a1b2c3d4e5f60002 is protected (Environment=prod-eu) and was terminated',
    ]);
    expect((await received()).map((m) => m.Subject)).toContain(
      '[CRITICAL] bob terminated i-0a1b2c3d4e5f60001, i-0a1b2c3d4e5f60002 in eu-west-1',
    );
  });
});
