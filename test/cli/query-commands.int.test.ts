/** who, activity, recent and replay end to end: the real CLI against DynamoDB Local. */
import { join } from 'node:path';
import { ROOT, runCli, runInProcess } from '../helpers/cli';
import { FIXTURES } from '../helpers/fixtures';
import { dynamoClient, dynamoEndpoint, freshTable } from '../helpers/services';

describe('query commands against DynamoDB Local', () => {
  let table: string;
  const at = () => ['--endpoint-url', dynamoEndpoint(), '--table', table];
  const json = async (args: string[]) => {
    const result = await runInProcess([...args, ...at(), '--output', 'json']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return JSON.parse(result.stdout) as Record<string, unknown>[];
  };

  beforeAll(async () => {
    const client = dynamoClient();
    table = await freshTable(client, 'cli');
    client.destroy();
    const replay = await runInProcess(['replay', join(ROOT, 'examples'), join(FIXTURES, 'events'), ...at()]);
    expect(replay.status).toBe(0);
    expect(replay.stderr).toMatch(/records written/);
  });

  it('replaying the same files again writes nothing new', async () => {
    const again = await runInProcess(['replay', join(ROOT, 'examples'), join(FIXTURES, 'events'), ...at()]);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(
      /: 26 files, 34 events \(32 attributed\), 0 records written, 41 duplicates, 2 skipped, 0 unrecognized, 0 errors\n$/,
    );
  });

  it('who: the whole lifecycle of one instance, newest first', async () => {
    const rows = await json(['who', 'i-0a1b2c3d4e5f60001']);
    expect(rows.map((r) => [r.action, (r.actor as { name: string }).name])).toEqual([
      ['stop', 'carol'],
      ['terminate', 'bob'],
      ['connect', 'omar.haddad'],
      ['start', 'SamlExample'],
      ['stop', 'maria.garcia'],
      ['launch', 'alice'],
    ]);
    expect(rows[0]).toMatchObject({
      outcome: 'failed',
      errorCode: 'Client.DryRunOperation',
      ingestedBy: 'replay',
      instanceId: 'i-0a1b2c3d4e5f60001',
    });
    expect(rows[0]).not.toHaveProperty('eventTimeId');
  });

  it('who: an id as published examples write it is looked up as given, with a warning', async () => {
    // A table of its own: the shared one's counts stay as the other tests expect.
    const client = dynamoClient();
    const own = ['--endpoint-url', dynamoEndpoint(), '--table', await freshTable(client, 'example-id')];
    client.destroy();
    const event = {
      eventVersion: '1.08',
      eventSource: 'ec2.amazonaws.com',
      eventName: 'StopInstances',
      eventTime: '2026-03-03T09:00:00Z',
      eventID: 'example-stop-0001',
      awsRegion: 'us-east-1',
      recipientAccountId: '111122223333',
      userIdentity: {
        type: 'IAMUser',
        arn: 'arn:aws:iam::111122223333:user/dana',
        accountId: '111122223333',
        userName: 'dana',
        principalId: 'AIDAEXAMPLE',
      },
      requestParameters: { instancesSet: { items: [{ instanceId: 'i-EXAMPLE6789abcd' }] }, force: false },
      responseElements: { instancesSet: { items: [{ instanceId: 'i-EXAMPLE6789abcd' }] } },
    };
    expect(runCli(['replay', '-', ...own], { input: JSON.stringify(event) }).status).toBe(0);
    const result = await runInProcess(['who', 'i-EXAMPLE6789abcd', ...own, '--output', 'json']);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe(
      'ec2trail who: "i-EXAMPLE6789abcd" is not a canonical instance id (i- and 8 or 17 lowercase hex digits); looking it up as given\n',
    );
    expect(
      (JSON.parse(result.stdout) as { action: string; actor: { name: string } }[]).map((r) => [
        r.action,
        r.actor.name,
      ]),
    ).toEqual([['stop', 'dana']]);
  });

  it('who: text output as aws --output text gives it, and AWS_DEFAULT_OUTPUT chooses it', async () => {
    const rows = await json(['who', 'i-0a1b2c3d4e5f60001']);
    const text = await runInProcess(['who', 'i-0a1b2c3d4e5f60001', ...at()], {
      env: { AWS_DEFAULT_OUTPUT: 'text' },
    });
    expect(text.status).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(rows.length);
    for (const [i, line] of lines.entries()) {
      const cells = line.split('\t');
      // The CSV's fields, in its order: eventTime, action, instanceId, outcome, errorCode, actorName.
      expect(cells.slice(0, 6)).toEqual([
        rows[i]?.eventTime,
        rows[i]?.action,
        rows[i]?.instanceId,
        rows[i]?.outcome,
        rows[i]?.errorCode ?? 'None',
        (rows[i]?.actor as { name: string } | undefined)?.name,
      ]);
    }
  });

  it('who: a table with who launched it on top, and CSV', async () => {
    const table = await runInProcess(['who', 'i-0b1b2c3d4e5f60001', ...at(), '--output', 'table']);
    expect(table.stdout.split('\n')[0]).toBe(
      'i-0b1b2c3d4e5f60001 was launched by root (Root, arn:aws:iam::111122223333:root) at 2026-03-02T10:02:11Z with console from 203.0.113.10.',
    );
    expect(table.stdout).toMatch(
      /terminate\s+i-0b1b2c3d4e5f60001\s+success\s+906745e2-e081-7035-4bb3-9e0c2a000000\s+IdentityCenterUser/,
    );
    const csv = (await runInProcess(['who', 'i-0b1b2c3d4e5f60001', ...at(), '--output', 'csv'])).stdout
      .trim()
      .split('\n');
    expect(csv[0]).toBe(
      'eventTime,action,instanceId,outcome,errorCode,actorName,actorArn,actorType,tool,sourceIp,account,region,eventId,ingestedBy,viaService,viaResource,initiatorName,initiatorArn,initiatorEvent,initiatorReason',
    );
    expect(csv).toHaveLength(3);
  });

  it('who: says so when nothing is recorded', async () => {
    const result = await runInProcess(['who', 'i-0fffffffffffffff0', ...at(), '--output', 'table']);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe(`No record of i-0fffffffffffffff0 in table ${table}.\n`);
  });

  it('activity: by ARN and by name, with action and failure filters', async () => {
    const byArn = await json([
      'activity',
      '--actor',
      'arn:aws:iam::111122223333:user/alice',
      '--since',
      '2026-03-01',
      '--until',
      '2026-03-31',
    ]);
    expect(byArn.map((r) => r.instanceId).sort()).toEqual(['i-0a1b2c3d4e5f60001', 'i-0a1b2c3d4e5f60002']);
    const failed = await json([
      'activity',
      '--actor',
      'contractor-bob',
      '--since',
      '2026-03-01',
      '--until',
      '2026-03-31',
      '--failed',
    ]);
    expect(failed.map((r) => [r.action, r.errorCode, r.instanceId])).toEqual([
      ['launch', 'Client.UnauthorizedOperation', null],
    ]);
    expect(
      await json([
        'activity',
        '--actor',
        'jane.doe@example.com',
        '--since',
        '2026-03-01',
        '--until',
        '2026-03-31',
        '--action',
        'stop',
      ]),
    ).toEqual([]);
  });

  it('recent: everything in a window, by account and region', async () => {
    const window = ['--since', '2026-03-02', '--until', '2026-03-03T23:59:59Z'];
    const all = await json(['recent', ...window]);
    expect(all.map((r) => r.eventTime)).toEqual([...all.map((r) => String(r.eventTime))].sort().reverse());
    expect(all).toHaveLength(6);
    const euWest = await json(['recent', ...window, '--account', '111122223333', '--in-region', 'eu-west-1']);
    expect(euWest.map((r) => r.instanceId).sort()).toEqual([
      'i-0a1b2c3d4e5f60001',
      'i-0a1b2c3d4e5f60002',
      'i-0c1b2c3d4e5f60001',
    ]);
    expect(await json(['recent', ...window, '--in-region', 'us-east-1', '--limit', '2'])).toHaveLength(2);
  });

  it.each([
    [['who', 'vol-0123'], /"vol-0123" is not an instance id/],
    [['who', 'i-0a1b/2'], /"i-0a1b\/2" is not an instance id/],
    [['who'], /who needs an instance id/],
    [['activity', '--actor', 'x', '--since', 'last tuesday'], /--since "last tuesday" is not a time/],
    [['activity'], /activity needs --actor/],
    [['recent', '--account', '12'], /--account "12" is not a 12-digit account id/],
    [['recent', '--output', 'yaml'], /--output "yaml" is not one of table, json, csv/],
    [['recent', '--limit', '0'], /--limit "0" is not a positive whole number/],
    [['recent', '--action', 'explode'], /--action "explode" is not one of launch/],
    [['recent', '--since', '1d', '--until', '2d'], /--since is after --until/],
  ])('rejects %j with one line and exit 2', async (args, message) => {
    const result = await runInProcess([...args, ...at()]);
    expect(result.status).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('explains an unreachable endpoint in one line', async () => {
    // A child process: in jest's sandbox the SDK wraps Node's socket error (another realm's
    // Error) and its code is lost, which a real run never sees.
    const result = runCli(
      ['who', 'i-0a1b2c3d4e5f60001', '--endpoint-url', 'http://127.0.0.1:9', '--table', 'x'],
      { env: { AWS_MAX_ATTEMPTS: '1' } },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^ec2trail who: cannot reach the endpoint \(ECONNREFUSED\)/);
  });
});

describe('who and activity on what services did for people', () => {
  // test/fixtures/services/asg: alice creates web-asg (10:00:05) and Auto Scaling launches
  // i-…a001 (10:00:40); bob sets the capacity at 12:00:00 (launch of i-…a002 at 12:00:30)
  // and at 13:00:00 (Auto Scaling terminates i-…a001 at 13:00:20); i-…a003 at 15:30 is automatic.
  let table: string;
  const at = () => ['--endpoint-url', dynamoEndpoint(), '--table', table];
  const window = ['--since', '2026-03-01', '--until', '2026-03-31'];
  const json = async (args: string[]) => {
    const result = await runInProcess([...args, ...at(), '--output', 'json']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return JSON.parse(result.stdout) as Record<string, unknown>[];
  };
  const summary = (rows: Record<string, unknown>[]) =>
    rows.map((r) => [r.as, r.eventName, r.instanceId, (r.actor as { name: string }).name]);

  beforeAll(async () => {
    const client = dynamoClient();
    table = await freshTable(client, 'cli-services');
    client.destroy();
    const replay = await runInProcess(['replay', join(FIXTURES, 'services', 'asg'), ...at()]);
    expect(replay.status).toBe(0);
  });

  const BOBS = [
    ['initiator', 'TerminateInstances', 'i-0a00000000000a001', 'autoscaling.amazonaws.com'],
    ['caller', 'SetDesiredCapacity', null, 'bob'],
    ['initiator', 'RunInstances', 'i-0a00000000000a002', 'autoscaling.amazonaws.com'],
    ['caller', 'SetDesiredCapacity', null, 'bob'],
  ];

  it('activity by name lists the person’s own calls and, marked, what Auto Scaling did for them', async () => {
    expect(summary(await json(['activity', '--actor', 'bob', ...window]))).toEqual(BOBS);
  });

  it('activity by ARN finds the same, through the name the ARN’s rows give', async () => {
    expect(
      summary(await json(['activity', '--actor', 'arn:aws:iam::111122223333:user/bob', ...window])),
    ).toEqual(BOBS);
  });

  it('activity --own leaves out what services did', async () => {
    expect(summary(await json(['activity', '--actor', 'bob', '--own', ...window]))).toEqual(
      BOBS.filter(([as]) => as === 'caller'),
    );
  });

  it('activity as a table and CSV carries the mark too', async () => {
    const table = await runInProcess(['activity', '--actor', 'bob', ...window, ...at(), '--output', 'table']);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^AS\s/);
    expect(lines.slice(2).map((l) => l.split(/\s+/)[0])).toEqual([
      'initiator',
      'caller',
      'initiator',
      'caller',
    ]);
    const csv = (
      await runInProcess(['activity', '--actor', 'bob', ...window, ...at(), '--output', 'csv'])
    ).stdout
      .trim()
      .split('\n');
    expect(csv[0]?.endsWith(',as')).toBe(true);
    expect(csv.slice(1).map((l) => l.split(',').at(-1))).toEqual([
      'initiator',
      'caller',
      'initiator',
      'caller',
    ]);
  });

  it('who names the person behind a service’s launch and termination', async () => {
    const result = await runInProcess(['who', 'i-0a00000000000a001', ...at(), '--output', 'table']);
    const [launched, launchBehind, terminateBehind] = result.stdout.split('\n');
    expect(launched).toMatch(/^i-0a00000000000a001 was launched by autoscaling\.amazonaws\.com /);
    expect(launchBehind).toMatch(
      /^autoscaling\.amazonaws\.com launched it for auto-scaling group web-asg\. Behind it: alice@example\.com .*\(CreateAutoScalingGroup at 2026-03-02 10:00 UTC\), 35 s before\.$/,
    );
    expect(terminateBehind).toMatch(
      /^autoscaling\.amazonaws\.com terminated it for auto-scaling group web-asg\. Behind it: bob .*\(SetDesiredCapacity at 2026-03-02 13:00 UTC\), 20 s before\.$/,
    );
  });

  it('who says when no person is known, and why', async () => {
    const result = await runInProcess(['who', 'i-0a00000000000a003', ...at(), '--output', 'table']);
    expect(result.stdout.split('\n')[1]).toMatch(
      /^autoscaling\.amazonaws\.com launched it for auto-scaling group web-asg\. No person is known behind it: automatic: /,
    );
  });
});
