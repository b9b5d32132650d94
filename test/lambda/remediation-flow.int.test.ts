/**
 * Remediation in the whole flow: violation → schedule → marking → rows → alert, then the deadline
 * → stop → row → second alert. The attribution and remediation handlers run against DynamoDB
 * Local and the SNS emulator; EC2 and Scheduler are mocked at the edge (no emulator exists here),
 * and the schedule's input is what the mock captured, handed to the remediation handler as
 * Scheduler would. Expected values come from the fixture (root launched i-0b1b…0001 to 0003,
 * p5.48xlarge, us-east-1, 111122223333, tagged Name=gpu-burst) and the clock the test sets.
 */

import {
  CreateTagsCommand,
  type CreateTagsCommandInput,
  DescribeInstancesCommand,
  EC2Client,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  GetScheduleCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbAlertLedger } from '../../lambda/adapters/dynamodb-alert-ledger';
import { DynamoDbAttributionStore } from '../../lambda/adapters/dynamodb-attribution-store';
import { Ec2InstanceActions } from '../../lambda/adapters/ec2-instance-actions';
import { homeAccountEc2 } from '../../lambda/adapters/ec2-owner-tagger';
import { SchedulerStopScheduler } from '../../lambda/adapters/scheduler-stop-scheduler';
import { SnsAlertPublisher } from '../../lambda/adapters/sns-alert-publisher';
import { compilePolicy, parsePolicy } from '../../lambda/domain';
import { remediationSettingsOf } from '../../lambda/domain/remediation/settings';
import { createHandler } from '../../lambda/handler';
import { createRemediationHandler } from '../../lambda/remediation/handler';
import { Remediator } from '../../lambda/remediation/remediator';
import { FakeLog, FakeMetrics } from '../helpers/fakes';
import { loadJson } from '../helpers/fixtures';
import { documentClient, dynamoClient, freshTable, snsClient } from '../helpers/services';
import { receive, subscribedQueue } from '../helpers/sns-queues';

const ec2 = mockClient(EC2Client);
const scheduler = mockClient(SchedulerClient);
const INSTANCES = ['i-0b1b2c3d4e5f60001', 'i-0b1b2c3d4e5f60002', 'i-0b1b2c3d4e5f60003'];
const HOME = '111122223333';
const NOW = new Date('2026-03-02T10:02:30Z');
const DEADLINE = '2026-03-02T10:33:00.000Z';
const TARGET = {
  groupName: 'ec2trail-remediation',
  functionArn: 'arn:aws:lambda:us-east-1:111122223333:function:remediation',
  roleArn: 'arn:aws:iam::111122223333:role/scheduler',
  deadLetterArn: 'arn:aws:sqs:us-east-1:111122223333:dlq',
};

const POLICY = parsePolicy(
  {
    rules: { instanceType: { deny: ['p5.*'], severity: 'critical', remediate: 'stop' } },
    remediation: { mode: 'enforce', graceMinutes: 30 },
  },
  'test',
);

interface Published {
  subject: string;
  message: string;
  attributes: Record<string, string>;
}

describe('remediation from violation to stop', () => {
  const client = dynamoClient();
  const documents = documentClient(client);

  async function setUp(policy = POLICY, ingestedBy: 'live' | 'trail' | 'replay' = 'live') {
    const table = await freshTable(client, 'remediate');
    const name = `remediate-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const { TopicArn } = await snsClient().send(new CreateTopicCommand({ Name: name }));
    if (!TopicArn) throw new Error('emulator setup failed');
    const queue = await subscribedQueue(TopicArn, name);
    const metrics = new FakeMetrics();
    const logger = new FakeLog();
    const store = new DynamoDbAttributionStore(documents, table);
    const ledger = new DynamoDbAlertLedger(documents, table);
    const publisher = new SnsAlertPublisher(snsClient(), TopicArn);
    const settings = remediationSettingsOf(policy);
    if (!settings) throw new Error('policy remediates nothing');
    const actions = new Ec2InstanceActions(
      homeAccountEc2(HOME, () => new EC2Client({ region: 'us-east-1' })),
      { sleep: async () => {}, maxAttempts: 2 },
    );
    const clock = () => NOW;
    const handle = createHandler({
      store,
      ledger,
      publisher,
      policy: compilePolicy(policy),
      logger,
      metrics,
      clock,
      ingestedBy,
      remediator: new Remediator({
        settings,
        homeAccount: HOME,
        actions,
        scheduler: new SchedulerStopScheduler(new SchedulerClient({ region: 'us-east-1' }), TARGET),
        store,
        logger,
        metrics,
        clock,
        ingestedBy,
      }),
    });
    const atDeadline = createRemediationHandler({
      settings,
      actions,
      store,
      ledger,
      publisher,
      logger,
      metrics,
      clock: () => new Date(DEADLINE),
    });
    const published = async (): Promise<Published[]> =>
      (await receive(queue)).map(
        (body: {
          Subject: string;
          Message: string;
          MessageAttributes?: Record<string, { Value: string }>;
        }) => ({
          subject: body.Subject,
          message: body.Message,
          attributes: Object.fromEntries(
            Object.entries(body.MessageAttributes ?? {}).map(([k, v]) => [k, v.Value]),
          ),
        }),
      );
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
    return { handle, atDeadline, metrics, published, rows };
  }

  const launch = () => ({
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ec2',
    detail: loadJson('events/runinstances-root-console.json'),
  });

  const scheduled = (): CreateScheduleCommandInput[] =>
    scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input);

  beforeEach(() => {
    ec2.reset();
    scheduler.reset();
  });
  afterAll(() => client.destroy());

  it('schedules the stop, marks the instances, records it and says so in the alert; then stops at the deadline', async () => {
    ec2.on(CreateTagsCommand).resolves({});
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:::schedule/x' });
    const { handle, atDeadline, metrics, published, rows } = await setUp();

    expect(await handle(launch())).toMatchObject({ status: 'recorded', written: 3, alert: 'sent' });

    const [schedule] = scheduled();
    expect(scheduled()).toHaveLength(1);
    expect(schedule).toMatchObject({
      Name: 'stop-11111111-aaaa-4bbb-8ccc-000000000002-0',
      GroupName: TARGET.groupName,
      ScheduleExpression: 'at(2026-03-02T10:33:00)',
      ScheduleExpressionTimezone: 'UTC',
      ActionAfterCompletion: 'DELETE',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: TARGET.functionArn,
        RoleArn: TARGET.roleArn,
        DeadLetterConfig: { Arn: TARGET.deadLetterArn },
      },
    });
    // Scheduler's documented limit on a target's input.
    expect(schedule?.Target?.Input?.length).toBeLessThanOrEqual(8192);
    const tagCalls = ec2
      .commandCalls(CreateTagsCommand)
      .map((c) => c.args[0].input as CreateTagsCommandInput);
    expect(tagCalls).toEqual([
      {
        Resources: INSTANCES,
        Tags: [
          { Key: 'ec2trail:violation', Value: 'instanceType' },
          { Key: 'ec2trail:deadline', Value: DEADLINE },
        ],
      },
    ]);
    for (const id of INSTANCES) {
      const own = (await rows(id)).filter((r) => r.action === 'remediate');
      expect(own).toHaveLength(1);
      expect(own[0]).toMatchObject({
        eventKey: 'remediate-tag#11111111-aaaa-4bbb-8ccc-000000000002',
        remediation: {
          step: 'tag',
          decision: 'tagged',
          mode: 'enforce',
          deadline: DEADLINE,
          launchedBy: 'root',
        },
      });
    }
    const [alert, ...others] = await published();
    expect(others).toEqual([]);
    expect(alert?.attributes.remediation).toBe('stop-scheduled');
    const email = JSON.parse(alert?.message ?? '{}').email as string;
    expect(email).toContain(
      `${INSTANCES.join(', ')} will be stopped at 2026-03-02 10:33 UTC unless tagged ec2trail:ack=<reason> by then.`,
    );
    expect(metrics.total('StopsScheduled')).toBe(1);
    expect(metrics.total('InstancesRemediationTagged')).toBe(3);

    // At the deadline: one instance was acknowledged, one was stopped by hand, one is still running.
    const marked = { Key: 'ec2trail:violation', Value: 'instanceType' };
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            { InstanceId: INSTANCES[0], State: { Name: 'running' }, Tags: [marked] },
            {
              InstanceId: INSTANCES[1],
              State: { Name: 'running' },
              Tags: [marked, { Key: 'ec2trail:ack', Value: 'capacity test, ends friday' }],
            },
            { InstanceId: INSTANCES[2], State: { Name: 'stopped' }, Tags: [marked] },
          ],
        },
      ],
    });
    ec2.on(StopInstancesCommand).resolves({ StoppingInstances: [{ InstanceId: INSTANCES[0] }] });
    const result = await atDeadline(JSON.parse(schedule?.Target?.Input ?? 'null'));
    expect(result).toEqual({
      status: 'done',
      stopped: [INSTANCES[0]],
      kept: [INSTANCES[1], INSTANCES[2]],
      failed: [],
    });
    expect(ec2.commandCalls(StopInstancesCommand).map((c) => c.args[0].input)).toEqual([
      { InstanceIds: [INSTANCES[0]] },
    ]);
    const stopRows = await Promise.all(
      INSTANCES.map(async (id) =>
        (await rows(id)).find((r) => r.eventKey === 'remediate-stop#11111111-aaaa-4bbb-8ccc-000000000002'),
      ),
    );
    expect(stopRows.map((r) => r?.remediation?.decision)).toEqual(['stopped', 'not-stopped', 'not-stopped']);
    expect(stopRows[1]?.remediation?.reason).toBe(
      'acknowledged with ec2trail:ack=capacity test, ends friday',
    );
    expect(stopRows[2]?.remediation?.reason).toBe('the instance was already stopped at the deadline');
    const [second, ...more] = await published();
    expect(more).toEqual([]);
    expect(JSON.parse(second?.message ?? '{}').email).toContain(
      `Already stopped ${INSTANCES[2]}: the instance was already stopped at the deadline.`,
    );

    expect(second?.subject).toBe(
      '[CRITICAL] ec2trail stopped i-0b1b2c3d4e5f60001 launched by root (instanceType)',
    );
    expect(second?.attributes).toMatchObject({ kind: 'alert', action: 'remediate', remediation: 'stopped' });

    // The schedule's retry after a lost answer: no second stop, no second alert.
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        { Instances: [{ InstanceId: INSTANCES[0], State: { Name: 'stopping' }, Tags: [marked] }] },
      ],
    });
    await atDeadline(JSON.parse(schedule?.Target?.Input ?? 'null'));
    expect(ec2.commandCalls(StopInstancesCommand)).toHaveLength(1);
    expect(await published()).toEqual([]);
  });

  it('keeps the deadline of the schedule made before when a retry finds it', async () => {
    ec2.on(CreateTagsCommand).resolves({});
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
    scheduler.on(GetScheduleCommand).resolves({ ScheduleExpression: 'at(2026-03-02T10:31:00)' });
    const { handle, published } = await setUp();
    await handle(launch());
    const tagCalls = ec2
      .commandCalls(CreateTagsCommand)
      .map((c) => c.args[0].input as CreateTagsCommandInput);
    expect(tagCalls[0]?.Tags).toContainEqual({ Key: 'ec2trail:deadline', Value: '2026-03-02T10:31:00.000Z' });
    const email = JSON.parse((await published())[0]?.message ?? '{}').email as string;
    expect(email).toContain('will be stopped at 2026-03-02 10:31 UTC');
  });

  it('alerts that nothing will be stopped when the schedule cannot be made, and does not mark', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    ec2.on(CreateTagsCommand).resolves({});
    const { handle, metrics, published, rows } = await setUp();
    expect(await handle(launch())).toMatchObject({ status: 'recorded', alert: 'sent' });
    const [alert] = await published();
    expect(alert?.attributes.remediation).toBe('failed');
    expect(JSON.parse(alert?.message ?? '{}').email).toContain(
      'will NOT be stopped: the stop could not be scheduled.',
    );
    // The marking still names the violation, but without a deadline.
    const tagCalls = ec2
      .commandCalls(CreateTagsCommand)
      .map((c) => c.args[0].input as CreateTagsCommandInput);
    expect(tagCalls[0]?.Tags?.map((t) => t.Key)).toEqual(['ec2trail:violation', 'ec2trail:deadline']);
    expect(metrics.total('RemediationFailures')).toBe(1);
    expect((await rows(INSTANCES[0] as string)).filter((r) => r.action === 'remediate')).toHaveLength(1);
  });

  it('in a dry run calls neither EC2 nor Scheduler, records what it would do, and says so', async () => {
    const dry = parsePolicy({ rules: POLICY.rules }, 'test');
    const { handle, published, rows } = await setUp(dry);
    await handle(launch());
    expect(scheduler.calls()).toHaveLength(0);
    expect(ec2.calls()).toHaveLength(0);
    const own = (await rows(INSTANCES[0] as string)).filter((r) => r.action === 'remediate');
    expect(own.map((r) => r.remediation?.decision)).toEqual(['would-tag']);
    const [alert] = await published();
    expect(alert?.attributes.remediation).toBe('dry-run');
  });

  it('acts once: a redelivery of the launch after its alert went out schedules and marks nothing', async () => {
    ec2.on(CreateTagsCommand).resolves({});
    scheduler.on(CreateScheduleCommand).resolves({});
    const { handle, published } = await setUp();
    await handle(launch());
    await handle(launch());
    expect(scheduled()).toHaveLength(1);
    expect(ec2.commandCalls(CreateTagsCommand)).toHaveLength(1);
    expect(await published()).toHaveLength(1);
  });

  it('remediates a launch the trail path recovers as the live path would, and never a replayed one', async () => {
    ec2.on(CreateTagsCommand).resolves({});
    scheduler.on(CreateScheduleCommand).resolves({});
    const recovered = await setUp(POLICY, 'trail');
    expect(await recovered.handle(launch())).toMatchObject({ status: 'recorded', alert: 'sent' });
    expect(scheduled()).toHaveLength(1);
    expect(ec2.commandCalls(CreateTagsCommand)).toHaveLength(1);
    const own = (await recovered.rows(INSTANCES[0] as string)).filter((r) => r.action === 'remediate');
    expect(own.map((r) => [r.ingestedBy, r.remediation?.decision])).toEqual([['trail', 'tagged']]);
    scheduler.resetHistory();
    ec2.resetHistory();
    const replayed = await setUp(POLICY, 'replay');
    await replayed.handle(launch());
    expect(scheduler.calls()).toHaveLength(0);
    expect(ec2.calls()).toHaveLength(0);
  });

  it('refuses a stop request ec2trail did not write, stopping nothing', async () => {
    const { atDeadline, metrics } = await setUp();
    expect(await atDeadline({ instanceIds: ['i-0b1b2c3d4e5f60001'] })).toMatchObject({ status: 'malformed' });
    expect(ec2.calls()).toHaveLength(0);
    expect(metrics.total('MalformedEvents')).toBe(1);
  });
});
