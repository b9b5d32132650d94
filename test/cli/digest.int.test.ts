/**
 * `ec2trail digest` on a table filled by replaying the example trail with alerts (the embedded
 * DynamoDB Local). Every expected number is counted by hand from examples/AWSLogs: four
 * RunInstances that launched 7 instances (alice 2, root 3, jane.doe@example.com 1, Auto Scaling
 * 1 for no known person), contractor-bob's refused RunInstances, one stop, one start, two
 * TerminateInstances of 3 instances (i-0b…01 by the SSO user; bob's two), and the 3 alerts the
 * default policy sends (root's launch critical, jane's and contractor-bob's warning).
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runInProcess } from '../helpers/cli';

// The trail's log files (examples/eventbridge holds one more launch, delivered as by EventBridge).
const EXAMPLES = join(ROOT, 'examples', 'AWSLogs');
const MARCH = ['--since', '2026-03-01', '--until', '2026-04-01'];

describe('ec2trail digest', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'ec2trail-digest-'));

  beforeAll(async () => {
    const replay = await runInProcess(['replay', '--local', '--alerts', EXAMPLES], { cwd });
    expect(replay.stderr).toContain('3 alerts');
    expect(replay.status).toBe(0);
  });

  it('sums up the team’s month', async () => {
    const result = await runInProcess(['digest', '--local', ...MARCH, '--json'], { cwd });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const digest = JSON.parse(result.stdout);
    expect(digest.scope).toEqual({ kind: 'team' });
    expect(digest.totals).toEqual({
      launchCalls: 4,
      instancesLaunched: 7,
      stops: 1,
      starts: 1,
      terminations: 3,
      failedAttempts: 1,
      alerts: 3,
    });
    expect(digest.alertsBySeverity).toEqual({ critical: 1, warning: 2, info: 0 });
    expect(digest.topLaunchers).toEqual([
      { name: 'root', count: 3 },
      { name: 'alice', count: 2 },
      { name: 'autoscaling.amazonaws.com (no person known)', count: 1 },
      { name: 'jane.doe@example.com', count: 1 },
    ]);
    // root's i-0b…01 was terminated on 9 March; alice's launch broke no rule.
    expect(digest.stillRunning.map((s: { instanceId: string }) => s.instanceId)).toEqual([
      'i-0b1b2c3d4e5f60002',
      'i-0b1b2c3d4e5f60003',
      'i-0c1b2c3d4e5f60001',
    ]);
    expect(digest.services).toEqual([{ service: 'autoscaling.amazonaws.com', person: null, instances: 1 }]);
    expect(digest.failed).toEqual([
      {
        // A federated user's name is the GetFederationToken caller's choice: listed as a claim.
        person: 'arn:aws:sts::111122223333:federated-user/contractor-bob (claims to be contractor-bob)',
        eventName: 'RunInstances',
        errorCode: 'Client.UnauthorizedOperation',
        count: 1,
      },
    ]);
    // requiredTags and imdsv2Required: root's launch and jane's; failedAttempts: contractor-bob's.
    const byRule = Object.fromEntries(
      digest.violationsByRule.map((r: { name: string; count: number }) => [r.name, r.count]),
    );
    expect(byRule).toMatchObject({ requiredTags: 2, imdsv2Required: 2, rootUser: 1, failedAttempts: 1 });
  });

  it('narrows to one person, whatever the case of the name', async () => {
    const result = await runInProcess(['digest', '--local', ...MARCH, '--json', '--person', 'ROOT'], { cwd });
    expect(result.status).toBe(0);
    const digest = JSON.parse(result.stdout);
    expect(digest.scope).toEqual({ kind: 'person', person: 'root' });
    expect(digest.totals).toMatchObject({ launchCalls: 1, instancesLaunched: 3, terminations: 0, alerts: 1 });
    expect(digest.alertsBySeverity).toEqual({ critical: 1, warning: 0, info: 0 });
  });

  it('leaves out what happened outside the window', async () => {
    // 2 March only: alice's and root's launches, root's alert.
    const result = await runInProcess(
      ['digest', '--local', '--since', '2026-03-02', '--until', '2026-03-03', '--json'],
      {
        cwd,
      },
    );
    const digest = JSON.parse(result.stdout);
    expect(digest.totals).toEqual({
      launchCalls: 2,
      instancesLaunched: 5,
      stops: 0,
      starts: 0,
      terminations: 0,
      failedAttempts: 0,
      alerts: 1,
    });
  });

  it('prints the digest as text', async () => {
    const result = await runInProcess(['digest', '--local', ...MARCH], { cwd });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      'Summary: 7 instances launched in 4 calls, 1 stopped, 1 started, 3 terminated, 1 failed attempt; 3 alerts (1 critical, 2 warning, 0 info).',
    );
    expect(result.stdout).toContain('Still running after breaking a rule\n  i-0b1b2c3d4e5f60002 [CRITICAL]');
  });

  it.each([
    [['--since', '2026-03-05', '--until', '2026-03-01'], '--since is after --until'],
    [['--person', ' '], '--person needs a name'],
    [['--account', '42'], '--account "42" is not a 12-digit account id'],
  ])('refuses %j with a clear error', async (args, message) => {
    const result = await runInProcess(['digest', '--local', ...args], { cwd });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
