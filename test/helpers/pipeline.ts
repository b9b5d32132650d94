/** The handler wired to its real adapters on DynamoDB Local and the fauxqs emulator, with a queue that receives the alerts. */

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDbAttributionQueries } from '../../lambda/adapters/dynamodb-attribution-queries';
import { SnsAlertPublisher } from '../../lambda/adapters/sns-alert-publisher';
import { type CompiledPolicy, compilePolicy } from '../../lambda/domain';
import type { FindingTarget } from '../../lambda/domain/security-hub/finding';
import type { FindingSink } from '../../lambda/features/security-hub/port';
import { findingsAction } from '../../lambda/features/security-hub/reporter';
import { createHandler } from '../../lambda/handler';
import { recordingDeps } from '../../lambda/runtime/recording-deps';
import { DEFAULT_POLICY_FILE, readPolicyFile } from '../../lib/policy-file';
import { FakeLog, FakeMetrics } from './fakes';
import { documentClient, freshTable, snsClient, sqsClient } from './services';

export interface Pipeline {
  readonly handle: ReturnType<typeof createHandler>;
  readonly table: string;
  readonly logger: FakeLog;
  readonly metrics: FakeMetrics;
  readonly queries: DynamoDbAttributionQueries;
  /** Subjects of the alerts published so far, read from the subscribed queue. */
  alerts(): Promise<string[]>;
}

export async function pipeline(
  client: DynamoDBClient,
  options: {
    sns?: SNSClient;
    policy?: CompiledPolicy;
    table?: string;
    securityHub?: { sink: FindingSink; target: FindingTarget };
    clock?: () => Date;
  } = {},
): Promise<Pipeline> {
  const table = options.table ?? (await freshTable(client, 'pipeline'));
  const sns = snsClient();
  const suffix = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `alerts-${suffix}` }));
  const { QueueUrl } = await sqsClient().send(new CreateQueueCommand({ QueueName: `alerts-${suffix}` }));
  if (!TopicArn || !QueueUrl) throw new Error('emulator setup failed');
  const { Attributes } = await sqsClient().send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn }));
  const documents = documentClient(client);
  const logger = new FakeLog();
  const metrics = new FakeMetrics();
  const received: string[] = [];
  // Wired as the entry points wire it (lambda/runtime/recording-deps.ts).
  const shared = recordingDeps({
    documents,
    tableName: table,
    publisher: new SnsAlertPublisher(options.sns ?? sns, TopicArn),
    logger,
    metrics,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const ledger = shared.ledger;
  return {
    table,
    logger,
    metrics,
    queries: new DynamoDbAttributionQueries(documents, table),
    handle: createHandler({
      ...shared,
      // The fixtures' calls are months before the clock: lateness has its own tests (handler.test.ts).
      lateAfterSeconds: Number.POSITIVE_INFINITY,
      policy: options.policy ?? compilePolicy(readPolicyFile(DEFAULT_POLICY_FILE)),
      ...(options.securityHub
        ? { actions: [findingsAction({ ...options.securityHub, alerts: ledger })] }
        : {}),
    }),
    async alerts() {
      for (;;) {
        const { Messages } = await sqsClient().send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
        );
        if (!Messages || Messages.length === 0) break;
        received.push(...Messages.map((m) => JSON.parse(m.Body ?? '{}').Subject as string));
      }
      return [...received];
    },
  };
}

export function envelope(detail: unknown): Record<string, unknown> {
  return { version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.ec2', detail };
}
