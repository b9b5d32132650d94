/**
 * Remediation's EC2 and Scheduler adapters against mocked clients (there is no EC2 or Scheduler
 * emulator here), with requests typed by the SDK's own command input types. What is checked is
 * what the clients are asked and how their errors are answered: retries on throttling and on the
 * NotFound EC2 gives right after a launch, a refused id found by stopping one at a time, and a
 * schedule that exists already keeping its time.
 */

import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  type DescribeInstancesCommandInput,
  EC2Client,
  StopInstancesCommand,
  type StopInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import {
  ConflictException,
  CreateScheduleCommand,
  GetScheduleCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { homeAccountEc2 } from '../../lambda/adapters/ec2-clients';
import { Ec2InstanceActions } from '../../lambda/adapters/ec2-instance-actions';
import {
  atExpression,
  SchedulerStopScheduler,
  timeOfAt,
} from '../../lambda/adapters/scheduler-stop-scheduler';
import type { StopRequest } from '../../lambda/domain/remediation/plan';

const ec2 = mockClient(EC2Client);
const scheduler = mockClient(SchedulerClient);
const WHERE = { account: '111122223333', region: 'eu-west-1' };
const awsError = (name: string) => Object.assign(new Error(`${name} from AWS`), { name });

function actions(maxAttempts = 3) {
  const waits: number[] = [];
  return {
    waits,
    actions: new Ec2InstanceActions(
      homeAccountEc2(WHERE.account, () => new EC2Client({ region: 'eu-west-1' })),
      {
        maxAttempts,
        baseDelayMs: 100,
        random: () => 1,
        sleep: async (ms) => {
          waits.push(ms);
        },
      },
    ),
  };
}

beforeEach(() => {
  ec2.reset();
  scheduler.reset();
});

describe('Ec2InstanceActions', () => {
  it('retries CreateTags on the NotFound of a fresh launch, with doubling waits', async () => {
    ec2
      .on(CreateTagsCommand)
      .rejectsOnce(awsError('InvalidInstanceID.NotFound'))
      .rejectsOnce(awsError('RequestLimitExceeded'))
      .resolves({});
    const { actions: a, waits } = actions();
    expect(await a.tag(WHERE, ['i-1'], [{ key: 'ec2trail:violation', value: 'rootUser' }])).toBeNull();
    expect(waits).toEqual([100, 200]);
    expect(ec2.commandCalls(CreateTagsCommand)[0]?.args[0].input).toEqual({
      Resources: ['i-1'],
      Tags: [{ Key: 'ec2trail:violation', Value: 'rootUser' }],
    });
  });

  it('answers the code of an error a retry cannot fix, after one call', async () => {
    ec2.on(CreateTagsCommand).rejects(awsError('UnauthorizedOperation'));
    const { actions: a } = actions();
    expect(await a.tag(WHERE, ['i-1'], [{ key: 'k', value: 'v' }])).toBe('UnauthorizedOperation');
    expect(ec2.commandCalls(CreateTagsCommand)).toHaveLength(1);
  });

  it('never acts in another account', async () => {
    const { actions: a } = actions();
    expect(await a.tag({ ...WHERE, account: '444455556666' }, ['i-1'], [{ key: 'k', value: 'v' }])).toBe(
      'NotOurAccount',
    );
    expect(await a.stop({ ...WHERE, account: '444455556666' }, ['i-1'])).toEqual({
      stopped: [],
      failed: [{ instanceId: 'i-1', code: 'NotOurAccount' }],
    });
    expect(ec2.calls()).toHaveLength(0);
  });

  it('describes by filter, following pages, so an id EC2 forgot is absent rather than an error', async () => {
    ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce({
        Reservations: [
          {
            OwnerId: '111122223333',
            Instances: [
              {
                InstanceId: 'i-1',
                State: { Name: 'running' },
                Tags: [{ Key: 'a', Value: 'b' }],
                // Stopped and started since: LaunchTime moved, the primary interface's attachment did not.
                LaunchTime: new Date('2026-03-02T11:00:00Z'),
                NetworkInterfaces: [
                  { Attachment: { DeviceIndex: 1, AttachTime: new Date('2026-03-02T10:30:00Z') } },
                  { Attachment: { DeviceIndex: 0, AttachTime: new Date('2026-03-02T10:02:12Z') } },
                ],
              },
            ],
          },
        ],
        NextToken: 'next',
      })
      .resolvesOnce({
        Reservations: [
          {
            Instances: [
              {
                InstanceId: 'i-2',
                State: { Name: 'stopped' },
                RootDeviceName: '/dev/xvda',
                BlockDeviceMappings: [
                  { DeviceName: '/dev/sdf', Ebs: { AttachTime: new Date('2026-03-02T12:00:00Z') } },
                  { DeviceName: '/dev/xvda', Ebs: { AttachTime: new Date('2026-03-02T10:02:13Z') } },
                ],
              },
            ],
          },
        ],
      });
    const { actions: a } = actions();
    const found = await a.describe(WHERE, ['i-1', 'i-2', 'i-3']);
    expect([...found.values()]).toEqual([
      {
        instanceId: 'i-1',
        state: 'running',
        tags: { a: 'b' },
        ownerId: '111122223333',
        launchTime: '2026-03-02T11:00:00.000Z',
        attachedAt: '2026-03-02T10:02:12.000Z',
      },
      // No network interface listed: the root volume's attachment dates the launch.
      {
        instanceId: 'i-2',
        state: 'stopped',
        tags: {},
        ownerId: null,
        launchTime: null,
        attachedAt: '2026-03-02T10:02:13.000Z',
      },
    ]);
    const inputs = ec2
      .commandCalls(DescribeInstancesCommand)
      .map((c) => c.args[0].input as DescribeInstancesCommandInput);
    expect(inputs).toEqual([
      { Filters: [{ Name: 'instance-id', Values: ['i-1', 'i-2', 'i-3'] }] },
      { Filters: [{ Name: 'instance-id', Values: ['i-1', 'i-2', 'i-3'] }], NextToken: 'next' },
    ]);
  });

  it('throws when EC2 cannot describe, so the deadline is retried rather than judged blind', async () => {
    ec2.on(DescribeInstancesCommand).rejects(awsError('UnauthorizedOperation'));
    await expect(actions().actions.describe(WHERE, ['i-1'])).rejects.toThrow('UnauthorizedOperation');
  });

  it('stops in one call, and finds a refused id by stopping one at a time', async () => {
    ec2.on(StopInstancesCommand).callsFake((input: StopInstancesCommandInput) => {
      const ids = input.InstanceIds ?? [];
      if (ids.includes('i-2')) throw awsError('UnauthorizedOperation');
      return { StoppingInstances: ids.map((InstanceId) => ({ InstanceId })) };
    });
    const { actions: a } = actions();
    expect(await a.stop(WHERE, ['i-1', 'i-3'])).toEqual({ stopped: ['i-1', 'i-3'], failed: [] });
    expect(await a.stop(WHERE, ['i-1', 'i-2', 'i-3'])).toEqual({
      stopped: ['i-1', 'i-3'],
      failed: [{ instanceId: 'i-2', code: 'UnauthorizedOperation' }],
    });
    expect(await a.stop(WHERE, [])).toEqual({ stopped: [], failed: [] });
  });
});

describe('SchedulerStopScheduler', () => {
  const request: StopRequest = {
    version: 1,
    name: 'stop-e-0',
    eventKey: 'e',
    account: '111122223333',
    region: 'eu-west-1',
    instanceIds: ['i-1'],
    rules: ['rootUser'],
    severity: 'critical',
    at: '2026-03-02T10:33:00.000Z',
    launchedBy: 'root',
    launchedAt: '2026-03-02T10:02:11Z',
  };
  const target = {
    groupName: 'g',
    functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:f',
    roleArn: 'arn:aws:iam::111122223333:role/r',
    deadLetterArn: 'arn:aws:sqs:eu-west-1:111122223333:q',
  };
  const make = () => new SchedulerStopScheduler(new SchedulerClient({ region: 'eu-west-1' }), target);

  it('writes Scheduler’s one-time expression in UTC and reads it back', () => {
    expect(atExpression('2026-03-02T10:33:00.000Z')).toBe('at(2026-03-02T10:33:00)');
    expect(timeOfAt('at(2026-03-02T10:33:00)')).toBe('2026-03-02T10:33:00.000Z');
    expect(timeOfAt('rate(5 minutes)')).toBeNull();
  });

  it('creates a self-deleting schedule whose input is the request', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    expect(await make().schedule(request)).toEqual({ at: request.at, created: true });
    const input = scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ Name: 'stop-e-0', GroupName: 'g', ActionAfterCompletion: 'DELETE' });
    expect(JSON.parse(input?.Target?.Input ?? '{}')).toEqual(request);
    expect(input?.Target?.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 });
  });

  it('keeps an existing schedule and answers its time', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ message: 'x', Message: 'x', $metadata: {} }));
    scheduler.on(GetScheduleCommand).resolves({ ScheduleExpression: 'at(2026-03-02T10:31:00)' });
    expect(await make().schedule(request)).toEqual({ at: '2026-03-02T10:31:00.000Z', created: false });
  });

  it('throws any other error, so the caller can say the stop was not scheduled', async () => {
    scheduler.on(CreateScheduleCommand).rejects(awsError('AccessDeniedException'));
    await expect(make().schedule(request)).rejects.toThrow('AccessDeniedException');
  });
});
