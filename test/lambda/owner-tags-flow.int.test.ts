/**
 * Owner tags in the whole flow: the handler with DynamoDB Local and the SNS emulator, writing the
 * tags on instances moto's EC2 launched (the record is the root console fixture with moto's ids,
 * account and launch time). A client mock remains for EC2 refusing the tags, which moto does not
 * do. The tags never hold back the row or the alert.
 */

import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbAlertLedger } from '../../lambda/adapters/dynamodb-alert-ledger';
import { DynamoDbAttributionStore } from '../../lambda/adapters/dynamodb-attribution-store';
import { homeAccountEc2 } from '../../lambda/adapters/ec2-clients';
import { SnsAlertPublisher } from '../../lambda/adapters/sns-alert-publisher';
import { compilePolicy } from '../../lambda/domain';
import { DEFAULT_OWNER_TAGS } from '../../lambda/domain/owner-tags';
import { Ec2OwnerTagger } from '../../lambda/features/owner-tags/ec2-owner-tagger';
import { ownerTagAction } from '../../lambda/features/owner-tags/tagging';
import { createHandler } from '../../lambda/handler';
import { DEFAULT_POLICY_FILE, readPolicyFile } from '../../lib/policy-file';
import { FakeLog, FakeMetrics } from '../helpers/fakes';
import { loadJson } from '../helpers/fixtures';
import { launchEvent, launchInMoto, MOTO_ACCOUNT, motoEc2, tagsOf } from '../helpers/moto';
import { documentClient, dynamoClient, freshTable, snsClient, sqsClient } from '../helpers/services';

const moto = motoEc2();
afterAll(() => moto.destroy());

describe('owner tags in the handler', () => {
  const client = dynamoClient();
  const documents = documentClient(client);

  async function setUp() {
    const table = await freshTable(client, 'owner');
    const name = `owner-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const { TopicArn } = await snsClient().send(new CreateTopicCommand({ Name: name }));
    const { QueueUrl } = await sqsClient().send(new CreateQueueCommand({ QueueName: name }));
    if (!TopicArn || !QueueUrl) throw new Error('emulator setup failed');
    const { Attributes } = await sqsClient().send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await snsClient().send(
      new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn }),
    );
    const metrics = new FakeMetrics();
    const logger = new FakeLog();
    const handle = createHandler({
      // The fixtures' calls are months before the clock: lateness has its own tests (handler.test.ts).
      lateAfterSeconds: Number.POSITIVE_INFINITY,
      store: new DynamoDbAttributionStore(documents, table),
      ledger: new DynamoDbAlertLedger(documents, table),
      publisher: new SnsAlertPublisher(snsClient(), TopicArn),
      policy: compilePolicy(readPolicyFile(DEFAULT_POLICY_FILE)),
      logger,
      metrics,
      clock: () => new Date(),
      actions: [
        ownerTagAction({
          settings: { tags: DEFAULT_OWNER_TAGS, overwrite: false },
          tagger: new Ec2OwnerTagger({
            clientFor: homeAccountEc2(MOTO_ACCOUNT, () => motoEc2()),
            overwrite: false,
            maxAttempts: 2,
            sleep: async () => {},
          }),
        }),
      ],
    });
    const subjects = async () => {
      const { Messages } = await sqsClient().send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      return (Messages ?? []).map((m) => (JSON.parse(m.Body ?? '{}') as { Subject: string }).Subject);
    };
    const rows = async (instanceId: string) =>
      (
        await documents.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'instanceId = :i',
            ExpressionAttributeValues: { ':i': instanceId },
          }),
        )
      ).Items ?? [];
    return { handle, metrics, logger, subjects, rows };
  }

  afterAll(() => client.destroy());

  it('records, alerts, then writes the owner tags on the three instances EC2 launched', async () => {
    const { ids, launchTime } = await launchInMoto(moto);
    const event = launchEvent(ids, launchTime);
    const { handle, metrics, subjects, rows } = await setUp();
    const result = await handle(event);
    expect(result).toMatchObject({ status: 'recorded', written: 3, alert: 'sent' });
    for (const id of ids) expect(await rows(id)).toHaveLength(1);
    expect(await subjects()).toEqual(['[CRITICAL] root launched 3 × p5.48xlarge in us-east-1']);
    // A direct launch has no `via`: LaunchedVia is not written. The instance's own Name stays.
    for (const id of ids)
      expect(await tagsOf(moto, id)).toEqual({
        Name: 'gpu-burst',
        Owner: 'root',
        LaunchedBy: `arn:aws:iam::${MOTO_ACCOUNT}:root`,
        LaunchedAt: String(event.detail.eventTime),
      });
    expect(metrics.total('OwnerTagsWritten')).toBe(9);
    expect(metrics.total('OwnerTagFailures')).toBe(0);
  });

  it('keeps the row and the alert when EC2 refuses the tags, and counts the failure', async () => {
    const { ids, launchTime } = await launchInMoto(moto);
    // A refusal moto does not produce: the one client mock here.
    const ec2 = mockClient(EC2Client);
    ec2.on(CreateTagsCommand).rejects(Object.assign(new Error('bad'), { name: 'InvalidParameterValue' }));
    const { handle, metrics, logger, subjects, rows } = await setUp();
    let result: Awaited<ReturnType<typeof handle>>;
    try {
      result = await handle(launchEvent(ids, launchTime));
    } finally {
      ec2.restore();
    }
    expect(result).toMatchObject({ status: 'recorded', written: 3, alert: 'sent' });
    expect(await rows(ids[0] as string)).toHaveLength(1);
    expect(await subjects()).toHaveLength(1);
    expect(metrics.total('OwnerTagFailures')).toBe(1);
    expect(metrics.total('OwnerTagsWritten')).toBe(0);
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      'Owner tags not written: the row and the alert are unaffected',
    ]);
  });

  it('does not tag for a stop, or for rows of another account', async () => {
    const { ids, launchTime } = await launchInMoto(moto);
    const { handle } = await setUp();
    await handle({
      'detail-type': 'AWS API Call via CloudTrail',
      detail: loadJson('events/stopinstances-awsservice.json'),
    });
    // The same ids, as if launched in another account: not this deploy's to tag.
    const other = launchEvent(ids, launchTime);
    (other.detail as Record<string, unknown>).recipientAccountId = '444455556666';
    const otherUser = (other.detail as unknown as { userIdentity: Record<string, unknown> }).userIdentity;
    otherUser.accountId = '444455556666';
    otherUser.arn = 'arn:aws:iam::444455556666:root';
    await handle(other);
    for (const id of ids) expect(await tagsOf(moto, id)).toEqual({ Name: 'gpu-burst' });
  });
});
