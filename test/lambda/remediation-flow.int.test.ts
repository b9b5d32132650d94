/**
 * Remediation in the whole flow, on real local services: a launch in moto's EC2 → its CloudTrail
 * event → the attribution handler (DynamoDB Local, the SNS emulator) → a schedule in moto's
 * Scheduler and the marks on moto's instances → the deadline, with the schedule's own input →
 * the remediation handler → a stopped instance in moto. Client mocks remain only for a fault moto
 * cannot produce (Scheduler refusing a schedule).
 *
 * Expected values come from the scenario: the instances moto launched (their ids and launch
 * time), the fixture's caller (root, console, p5.48xlarge) and the clock the test sets; the
 * deadline is the launch plus 30 minutes' grace, rounded up to the minute.
 */

import { randomUUID } from 'node:crypto';
import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  EC2Client,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbAlertLedger } from '../../lambda/adapters/dynamodb-alert-ledger';
import { DynamoDbAttributionStore } from '../../lambda/adapters/dynamodb-attribution-store';
import { homeAccountEc2 } from '../../lambda/adapters/ec2-clients';
import { Ec2InstanceActions } from '../../lambda/adapters/ec2-instance-actions';
import { SchedulerStopScheduler } from '../../lambda/adapters/scheduler-stop-scheduler';
import { SnsAlertPublisher } from '../../lambda/adapters/sns-alert-publisher';
import { compilePolicy, parsePolicy } from '../../lambda/domain';
import { remediationSettingsOf } from '../../lambda/domain/remediation/settings';
import { remediationAction } from '../../lambda/features/remediation';
import { createHandler } from '../../lambda/handler';
import { createRemediationHandler } from '../../lambda/remediation/handler';
import { Remediator } from '../../lambda/remediation/remediator';
import { MOTO_ACCOUNT } from '../../support/moto-server';
import { FakeLog, FakeMetrics } from '../helpers/fakes';
import { launchEvent, launchInMoto, tagsOf } from '../helpers/moto';
import {
  countCalls,
  documentClient,
  dynamoClient,
  freshTable,
  motoConfig,
  snsClient,
} from '../helpers/services';
import { receive, subscribedQueue } from '../helpers/sns-queues';

const REGION = 'us-east-1';
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

const ec2 = new EC2Client(motoConfig(REGION));
const schedulerClient = new SchedulerClient(motoConfig(REGION));
afterAll(() => {
  ec2.destroy();
  schedulerClient.destroy();
});

const deadlineAfter = (at: Date) => new Date(Math.ceil((at.getTime() + 30 * 60_000) / 60_000) * 60_000);

async function stateOf(id: string): Promise<string | undefined> {
  const answer = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return answer.Reservations?.[0]?.Instances?.[0]?.State?.Name;
}

describe('remediation from violation to stop, on moto', () => {
  const client = dynamoClient();
  const documents = documentClient(client);
  afterAll(() => client.destroy());

  async function setUp(options: {
    policy?: typeof POLICY;
    ingestedBy?: 'live' | 'trail' | 'replay';
    now: () => Date;
  }) {
    const policy = options.policy ?? POLICY;
    const ingestedBy = options.ingestedBy ?? 'live';
    const table = await freshTable(client, 'remediate');
    const name = `remediate-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const { TopicArn } = await snsClient().send(new CreateTopicCommand({ Name: name }));
    if (!TopicArn) throw new Error('emulator setup failed');
    const queue = await subscribedQueue(TopicArn, name);
    // A group per test: moto's server is shared by the whole run.
    const groupName = `ec2trail-${randomUUID().slice(0, 8)}`;
    await schedulerClient.send(new CreateScheduleGroupCommand({ Name: groupName }));
    const target = {
      groupName,
      functionArn: `arn:aws:lambda:${REGION}:${MOTO_ACCOUNT}:function:remediation`,
      roleArn: `arn:aws:iam::${MOTO_ACCOUNT}:role/scheduler`,
      deadLetterArn: `arn:aws:sqs:${REGION}:${MOTO_ACCOUNT}:dlq`,
    };
    const metrics = new FakeMetrics();
    const logger = new FakeLog();
    const store = new DynamoDbAttributionStore(documents, table);
    const ledger = new DynamoDbAlertLedger(documents, table);
    const publisher = new SnsAlertPublisher(snsClient(), TopicArn);
    const settings = remediationSettingsOf(policy);
    if (!settings) throw new Error('policy remediates nothing');
    // The clients the functions would build, pointed at moto, counted.
    const ec2Here = new EC2Client(motoConfig(REGION));
    const ec2Calls = countCalls(ec2Here);
    const schedulerHere = new SchedulerClient(motoConfig(REGION));
    const schedulerCalls = countCalls(schedulerHere);
    const actions = new Ec2InstanceActions(
      homeAccountEc2(MOTO_ACCOUNT, () => ec2Here),
      {
        sleep: async () => {},
        maxAttempts: 2,
      },
    );
    const handle = createHandler({
      store,
      ledger,
      publisher,
      policy: compilePolicy(policy),
      logger,
      metrics,
      clock: options.now,
      ingestedBy,
      actions: [
        remediationAction(
          new Remediator({
            settings,
            homeAccount: MOTO_ACCOUNT,
            actions,
            scheduler: new SchedulerStopScheduler(schedulerHere, target),
            store,
            logger,
            metrics,
            clock: options.now,
            ingestedBy,
            sleep: async () => {},
          }),
        ),
      ],
    });
    const atDeadline = (at: Date) =>
      createRemediationHandler({
        settings,
        actions,
        store,
        ledger,
        publisher,
        logger,
        metrics,
        clock: () => at,
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
    const schedules = async () =>
      (await schedulerClient.send(new ListSchedulesCommand({ GroupName: groupName }))).Schedules ?? [];
    const scheduleInput = async (scheduleName: string) => {
      const schedule = await schedulerClient.send(
        new GetScheduleCommand({ Name: scheduleName, GroupName: groupName }),
      );
      return { expression: schedule.ScheduleExpression, input: JSON.parse(schedule.Target?.Input ?? 'null') };
    };
    return {
      handle,
      atDeadline,
      metrics,
      published,
      rows,
      schedules,
      scheduleInput,
      ec2Calls,
      schedulerCalls,
      groupName,
      target,
    };
  }

  it('schedules the stop, marks the instances, records it and says so; at the deadline stops the one still running', async () => {
    const { ids, launchTime } = await launchInMoto(ec2);
    const now = new Date(launchTime.getTime() + 90_000);
    const deadline = deadlineAfter(now);
    const event = launchEvent(ids, launchTime);
    const flow = await setUp({ now: () => now });

    expect(await flow.handle(event)).toMatchObject({ status: 'recorded', written: 3, alert: 'sent' });

    const [listed, ...otherSchedules] = await flow.schedules();
    expect(otherSchedules).toEqual([]);
    const eventId = String(event.detail.eventID);
    expect(listed?.Name).toBe(`stop-${eventId}-0`);
    const schedule = await flow.scheduleInput(listed?.Name ?? '');
    expect(schedule.expression).toBe(`at(${deadline.toISOString().slice(0, 19)})`);
    expect(schedule.input).toMatchObject({
      version: 1,
      eventKey: eventId,
      account: MOTO_ACCOUNT,
      region: REGION,
      instanceIds: ids,
      rules: ['instanceType'],
      at: deadline.toISOString(),
      launchedBy: 'root',
      launchedAt: `${launchTime.toISOString().slice(0, 19)}Z`,
    });
    for (const id of ids)
      expect(await tagsOf(ec2, id)).toMatchObject({
        'ec2trail:violation': 'instanceType',
        'ec2trail:deadline': deadline.toISOString(),
      });
    for (const id of ids) {
      const own = (await flow.rows(id)).filter((r) => r.action === 'remediate');
      expect(own.map((r) => [r.remediation?.step, r.remediation?.decision])).toEqual([['tag', 'tagged']]);
    }
    const [alert, ...others] = await flow.published();
    expect(others).toEqual([]);
    expect(alert?.attributes.remediation).toBe('stop-scheduled');
    const stopsAt = `${deadline.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    expect(JSON.parse(alert?.message ?? '{}').email).toContain(
      `${ids.join(', ')} will be stopped at ${stopsAt} unless tagged ec2trail:ack=<reason> by then.`,
    );
    expect(flow.metrics.total('StopsScheduled')).toBe(1);
    expect(flow.metrics.total('InstancesRemediationTagged')).toBe(3);

    // Before the deadline a person acknowledges one and stops another by hand.
    await ec2.send(
      new CreateTagsCommand({
        Resources: [ids[1] ?? ''],
        Tags: [{ Key: 'ec2trail:ack', Value: 'capacity test' }],
      }),
    );
    await ec2.send(new StopInstancesCommand({ InstanceIds: [ids[2] ?? ''] }));
    const atDeadline = flow.atDeadline(deadline);
    expect(await atDeadline(schedule.input)).toEqual({
      status: 'done',
      stopped: [ids[0]],
      kept: [ids[1], ids[2]],
      failed: [],
    });
    expect(['stopping', 'stopped']).toContain(await stateOf(ids[0] ?? ''));
    expect(await stateOf(ids[1] ?? '')).toBe('running');
    const stopRows = await Promise.all(
      ids.map(async (id) => (await flow.rows(id)).find((r) => r.eventKey === `remediate-stop#${eventId}`)),
    );
    expect(stopRows.map((r) => r?.remediation?.decision)).toEqual(['stopped', 'not-stopped', 'not-stopped']);
    expect(stopRows[1]?.remediation?.reason).toBe('acknowledged with ec2trail:ack=capacity test');
    const [second, ...more] = await flow.published();
    expect(more).toEqual([]);
    expect(second?.subject).toBe(`[CRITICAL] ec2trail stopped ${ids[0]} launched by root (instanceType)`);

    // Scheduler's retry after a lost answer: no second stop, no second alert.
    const stopsBefore = flow.ec2Calls.filter((c) => c === 'StopInstancesCommand').length;
    await atDeadline(schedule.input);
    expect(flow.ec2Calls.filter((c) => c === 'StopInstancesCommand').length).toBe(stopsBefore);
    expect(await flow.published()).toEqual([]);
  });

  it('leaves alone a 190-day-old launch a log file brings in today: recorded and alerted late, never marked or stopped', async () => {
    // The instance is running now; the event that names it is from 190 days ago.
    const { ids } = await launchInMoto(ec2, 1);
    const now = new Date();
    const old = new Date(now.getTime() - (190 * 86_400 + 3 * 3_600) * 1000);
    const flow = await setUp({ ingestedBy: 'trail', now: () => now });
    const event = launchEvent(ids, old);
    expect(await flow.handle(event)).toMatchObject({ status: 'recorded', written: 1, alert: 'sent' });
    expect(await flow.schedules()).toEqual([]);
    expect(flow.ec2Calls).toEqual([]);
    expect(await tagsOf(ec2, ids[0] ?? '')).toEqual({ Name: 'gpu-burst' });
    const [alert] = await flow.published();
    expect(alert?.subject).toMatch(/^\[LATE 190 d 3 h\] \[CRITICAL\] /);
    expect(alert?.attributes).toMatchObject({ late: 'trail', remediation: 'none' });
    expect(JSON.parse(alert?.message ?? '{}').email).toContain(
      `${ids[0]} left alone: the call was made 190 d 3 h ago, more than the 1 h within which remediation acts: recorded and alerted only.`,
    );
    const own = (await flow.rows(ids[0] ?? '')).filter((r) => r.action === 'remediate');
    expect(own.map((r) => r.remediation?.decision)).toEqual(['left-alone']);
  });

  it('marks and stops nothing when the event does not describe the instance EC2 has under that id', async () => {
    // A fresh-looking event (20 minutes old) naming an instance EC2 launched just now: not its launch.
    const { ids, launchTime } = await launchInMoto(ec2, 1);
    const now = new Date(launchTime.getTime() + 60_000);
    const flow = await setUp({ now: () => now });
    await flow.handle(launchEvent(ids, new Date(launchTime.getTime() - 20 * 60_000)));
    expect(await flow.schedules()).toEqual([]);
    expect(await tagsOf(ec2, ids[0] ?? '')).toEqual({ Name: 'gpu-burst' });
    expect(flow.ec2Calls).toEqual(['DescribeInstancesCommand']);
    const [alert] = await flow.published();
    expect(alert?.attributes.remediation).toBe('none');
    expect(JSON.parse(alert?.message ?? '{}').email).toMatch(
      new RegExp(
        `${ids[0]} left alone: not verified: the instance was launched at \\S+, not at the event's \\S+: the event is not this instance's launch\\.`,
      ),
    );
    // And an id EC2 does not know at all: looked for again, then left alone.
    const ghost = await setUp({ now: () => now });
    await ghost.handle(
      launchEvent(['i-0aaaaaaaaaaaaaaa1', 'i-0aaaaaaaaaaaaaaa2', 'i-0aaaaaaaaaaaaaaa3'], launchTime),
    );
    expect(await ghost.schedules()).toEqual([]);
    expect(ghost.ec2Calls).toEqual(Array(4).fill('DescribeInstancesCommand'));
  });

  it('keeps running at the deadline an instance that is not the launch the request names', async () => {
    const { ids, launchTime } = await launchInMoto(ec2, 1);
    const flow = await setUp({ now: () => launchTime });
    const deadline = deadlineAfter(launchTime);
    // A request as ec2trail writes them, for this id, but for a launch 190 days before.
    const request = {
      version: 1,
      name: 'stop-forged-0',
      eventKey: 'forged',
      account: MOTO_ACCOUNT,
      region: REGION,
      instanceIds: ids,
      rules: ['instanceType'],
      severity: 'critical',
      at: deadline.toISOString(),
      launchedBy: 'root',
      launchedAt: new Date(launchTime.getTime() - 190 * 86_400_000).toISOString(),
    };
    await ec2.send(
      new CreateTagsCommand({ Resources: ids, Tags: [{ Key: 'ec2trail:violation', Value: 'instanceType' }] }),
    );
    expect(await flow.atDeadline(deadline)(request)).toMatchObject({ stopped: [], kept: ids });
    expect(await stateOf(ids[0] ?? '')).toBe('running');
  });

  it('says in the alert and the row that the launcher acknowledged an instance at launch, and never stops it', async () => {
    const { ids, launchTime } = await launchInMoto(ec2, 2);
    const now = new Date(launchTime.getTime() + 60_000);
    const flow = await setUp({ now: () => now });
    const event = launchEvent(ids, launchTime);
    // The launcher tagged the first instance ec2trail:ack in the RunInstances request itself.
    const detail = event.detail as unknown as {
      responseElements: {
        instancesSet: { items: { tagSet?: { items: { key: string; value: string }[] } }[] };
      };
    };
    const first = detail.responseElements.instancesSet.items[0];
    if (!first) throw new Error('fixture changed');
    first.tagSet = {
      items: [
        { key: 'Name', value: 'gpu-burst' },
        { key: 'ec2trail:ack', value: 'load test' },
      ],
    };
    await flow.handle(event);
    const [alert] = await flow.published();
    expect(JSON.parse(alert?.message ?? '{}').email).toContain(
      `${ids[0]} not stopped: acknowledged by the launcher at launch: ec2trail:ack=load test.`,
    );
    const [row] = (await flow.rows(ids[0] ?? '')).filter((r) => r.action === 'remediate');
    expect(row?.remediation).toMatchObject({
      decision: 'tagged',
      reason:
        'broke instanceType; not stopped: acknowledged by the launcher at launch: ec2trail:ack=load test',
      launcherOptOut: { effect: 'acknowledged', tag: 'ec2trail:ack=load test' },
    });
    const schedule = await flow.scheduleInput((await flow.schedules())[0]?.Name ?? '');
    expect(schedule.input.instanceIds).toEqual([ids[1]]);
  });

  it('keeps the deadline of the schedule made before when a retry finds it', async () => {
    const { ids, launchTime } = await launchInMoto(ec2);
    const now = new Date(launchTime.getTime() + 60_000);
    const flow = await setUp({ now: () => now });
    const event = launchEvent(ids, launchTime);
    const earlier = new Date(deadlineAfter(now).getTime() - 2 * 60_000);
    await schedulerClient.send(
      new CreateScheduleCommand({
        Name: `stop-${String(event.detail.eventID)}-0`,
        GroupName: flow.groupName,
        ScheduleExpression: `at(${earlier.toISOString().slice(0, 19)})`,
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: flow.target.functionArn, RoleArn: flow.target.roleArn, Input: '{}' },
      }),
    );
    await flow.handle(event);
    expect((await tagsOf(ec2, ids[0] ?? ''))['ec2trail:deadline']).toBe(earlier.toISOString());
  });

  it('alerts that nothing will be stopped when Scheduler refuses the schedule', async () => {
    const { ids, launchTime } = await launchInMoto(ec2);
    const flow = await setUp({ now: () => new Date(launchTime.getTime() + 60_000) });
    // A refusal moto cannot produce (it enforces no IAM): the one client mock here.
    const refusing = mockClient(SchedulerClient);
    refusing
      .on(CreateScheduleCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    try {
      expect(await flow.handle(launchEvent(ids, launchTime))).toMatchObject({
        status: 'recorded',
        alert: 'sent',
      });
    } finally {
      refusing.restore();
    }
    const [alert] = await flow.published();
    expect(alert?.attributes.remediation).toBe('failed');
    expect(JSON.parse(alert?.message ?? '{}').email).toContain(
      'will NOT be stopped: the stop could not be scheduled.',
    );
    expect(flow.metrics.total('RemediationFailures')).toBe(1);
  });

  it('in a dry run calls neither EC2 nor Scheduler, records what it would do, and says so', async () => {
    const { ids, launchTime } = await launchInMoto(ec2);
    const dry = parsePolicy({ rules: POLICY.rules }, 'test');
    const flow = await setUp({ policy: dry, now: () => new Date(launchTime.getTime() + 60_000) });
    await flow.handle(launchEvent(ids, launchTime));
    expect(flow.ec2Calls).toEqual([]);
    expect(flow.schedulerCalls).toEqual([]);
    const own = (await flow.rows(ids[0] ?? '')).filter((r) => r.action === 'remediate');
    expect(own.map((r) => r.remediation?.decision)).toEqual(['would-tag']);
    expect((await flow.published())[0]?.attributes.remediation).toBe('dry-run');
  });

  it('acts once: a redelivery of the launch after its alert went out schedules and marks nothing more', async () => {
    const { ids, launchTime } = await launchInMoto(ec2);
    const flow = await setUp({ now: () => new Date(launchTime.getTime() + 60_000) });
    const event = launchEvent(ids, launchTime);
    await flow.handle(event);
    await flow.handle(event);
    expect(await flow.schedules()).toHaveLength(1);
    expect(flow.ec2Calls.filter((c) => c === 'CreateTagsCommand')).toHaveLength(1);
    expect(await flow.published()).toHaveLength(1);
  });

  it('remediates a launch the trail path recovers as the live path would, and never a replayed one', async () => {
    const { ids, launchTime } = await launchInMoto(ec2);
    const now = () => new Date(launchTime.getTime() + 10 * 60_000);
    const recovered = await setUp({ ingestedBy: 'trail', now });
    expect(await recovered.handle(launchEvent(ids, launchTime))).toMatchObject({ alert: 'sent' });
    expect(await recovered.schedules()).toHaveLength(1);
    const own = (await recovered.rows(ids[0] ?? '')).filter((r) => r.action === 'remediate');
    expect(own.map((r) => [r.ingestedBy, r.remediation?.decision])).toEqual([['trail', 'tagged']]);
    const replayed = await setUp({ ingestedBy: 'replay', now });
    await replayed.handle(launchEvent(ids, launchTime));
    expect(replayed.ec2Calls).toEqual([]);
    expect(replayed.schedulerCalls).toEqual([]);
  });

  it('refuses a stop request ec2trail did not write, stopping nothing', async () => {
    const flow = await setUp({ now: () => new Date() });
    expect(await flow.atDeadline(new Date())({ instanceIds: ['i-0b1b2c3d4e5f60001'] })).toMatchObject({
      status: 'malformed',
    });
    expect(flow.ec2Calls).toEqual([]);
    expect(flow.metrics.total('MalformedEvents')).toBe(1);
  });
});
