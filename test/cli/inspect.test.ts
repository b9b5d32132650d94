import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonLines, ROOT, runCli, runInProcess } from '../helpers/cli';
import { FIXTURES } from '../helpers/fixtures';

const fixture = (relative: string) => join(FIXTURES, relative);

describe('ec2trail inspect', () => {
  it.each([
    ['shapes/single-record.json', 2],
    ['shapes/log-file.json', 3],
    ['shapes/trail-log.json.gz', 3],
    ['shapes/eventbridge-envelope.json', 1],
    ['shapes/array-of-shapes.json', 4],
    ['shapes/events.ndjson', 3],
    ['shapes/event-history-download.json', 3],
    ['shapes/lookup-events-output.json', 3],
  ])('prints one JSON line per record for %s', async (relative, count) => {
    const result = await runInProcess(['inspect', '--json', fixture(relative)]);
    expect(result.status).toBe(0);
    const records = jsonLines(result.stdout);
    expect(records).toHaveLength(count);
    for (const record of records) {
      expect(Object.keys(record)).toEqual(
        expect.arrayContaining([
          'eventId',
          'eventTime',
          'eventName',
          'action',
          'account',
          'region',
          'instanceId',
          'outcome',
          'errorCode',
          'actor',
          'source',
          'launch',
          'warnings',
        ]),
      );
    }
  });

  it('reads stdin when the path is -', async () => {
    const input = readFileSync(fixture('events/runinstances-root-console.json'));
    const result = runCli(['inspect', '--json', '-'], { input });
    expect(result.status).toBe(0);
    expect(jsonLines(result.stdout).map((r) => r.instanceId)).toEqual([
      'i-0b1b2c3d4e5f60001',
      'i-0b1b2c3d4e5f60002',
      'i-0b1b2c3d4e5f60003',
    ]);
  });

  it('walks a folder and prints a readable table', async () => {
    const result = await runInProcess(['inspect', fixture('events')]);
    expect(result.status).toBe(0);
    const [header] = result.stdout.split('\n');
    expect(header).toMatch(
      /^TIME\s+ACTION\s+INSTANCE\s+OUTCOME\s+WHO\s+VIA\s+BEHIND\s+IDENTITY\s+TOOL\s+SOURCE IP\s+ACCOUNT\s+REGION\s+VIOLATIONS$/,
    );
    expect(result.stdout).toMatch(/launch\s+i-0b1b2c3d4e5f60001\s+success\s+root\s+Root\s+console/);
    expect(result.stderr).toMatch(
      /22 files, 22 events, 21 attributed, 26 records, 1 skipped \(not watched\)/,
    );
  });

  it('exits 0 with a note when no input holds a lifecycle event', async () => {
    const result = await runInProcess(['inspect', fixture('events/createtags-not-lifecycle.json')]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('No EC2 lifecycle events found.\n');
  });

  it('names each unreadable input on one line, goes on with the rest, and exits 1', async () => {
    // A child process: Node's own errors (ENOENT, zlib) come from outside jest's sandbox, which
    // would word them differently in process.
    const result = runCli([
      'inspect',
      '--json',
      fixture('damaged/truncated.json'),
      fixture('damaged/empty.json'),
      fixture('damaged/binary.json'),
      fixture('damaged/truncated.json.gz'),
      fixture('damaged/mixed.ndjson'),
      fixture('does-not-exist.json'),
      fixture('events/stopinstances-awsservice.json'),
    ]);
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/truncated\.json: invalid JSON at line \d+, column \d+: Unterminated string$/),
      expect.stringMatching(/empty\.json: the file is empty$/),
      expect.stringMatching(/binary\.json: binary data, not JSON text$/),
      expect.stringMatching(/truncated\.json\.gz: not a readable gzip file \(unexpected end of file\)$/),
      expect.stringMatching(/mixed\.ndjson:2: invalid JSON at column \d+: /),
      expect.stringMatching(/does-not-exist\.json: no such file or directory$/),
      // Seven paths named, each one input (the missing one too): counted by hand.
      expect.stringMatching(/^7 files, /),
    ]);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    // The good lines of the mixed file and the good file still come through.
    expect(jsonLines(result.stdout).map((r) => r.eventName)).toEqual([
      'StopInstances',
      'RunInstances',
      'RunInstances',
      'StopInstances',
    ]);
  });

  it('rejects a missing path with a usage error and exit 2', async () => {
    const result = await runInProcess(['inspect']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'ec2trail inspect: inspect needs at least one PATH (a file, a folder, or -)\nRun "ec2trail inspect --help" for usage.\n',
    );
  });

  it('rejects an unknown flag with exit 2 and no stack trace', async () => {
    const result = await runInProcess(['inspect', '--jsn', 'x']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^ec2trail inspect: unknown option --jsn \(did you mean --json\?\)\n/);
  });

  it('checks every event against the default policy', async () => {
    const result = await runInProcess(['inspect', '--json', join(ROOT, 'examples')]);
    expect(result.status).toBe(0);
    const flagged = new Map<string, string[]>();
    for (const record of jsonLines(result.stdout)) {
      const rules = (record.violations as { rule: string }[]).map((v) => v.rule);
      if (rules.length > 0) flagged.set(String((record.actor as { name: string }).name), rules);
    }
    expect(flagged.get('root')).toEqual(expect.arrayContaining(['rootUser', 'instanceType']));
    expect(flagged.get('jane.doe@example.com')).toEqual(expect.arrayContaining(['requiredTags']));
    expect(flagged.get('contractor-bob')).toEqual(['failedAttempts']);
    expect(flagged.has('alice')).toBe(false);
  });

  it('uses the policy given with --policy, YAML included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ec2trail-policy-'));
    const file = join(dir, 'policy.yaml');
    writeFileSync(file, 'rules:\n  allowedRegions:\n    regions: [us-east-1]\n');
    const records = jsonLines(
      (
        await runInProcess([
          'inspect',
          '--json',
          '--policy',
          file,
          fixture('events/runinstances-iamuser-cli.json'),
        ])
      ).stdout,
    );
    expect(records.map((r) => (r.violations as { message: string }[]).map((v) => v.message))).toEqual([
      ['region eu-west-1 is not allowed (allowed: us-east-1)'],
      ['region eu-west-1 is not allowed (allowed: us-east-1)'],
    ]);
  });

  it('refuses an invalid policy with every problem and exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ec2trail-policy-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ rules: { rootUsr: {}, maxInstancesPerLaunch: { max: 0 } } }));
    const result = await runInProcess(['inspect', '--policy', file, fixture('events')]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('rules.maxInstancesPerLaunch.max: Too small: expected number to be >=1');
    expect(result.stderr).toContain('rules: unknown field "rootUsr"');
  });

  it('takes --output csv and text like the query commands, one line per record', async () => {
    const examples = join(ROOT, 'examples');
    // The summary counts 15 records in the examples: CSV has them under a header, text alone.
    const csv = await runInProcess(['inspect', '--output', 'csv', examples]);
    expect(csv.stderr).toMatch(/, 15 records, /);
    const csvLines = csv.stdout.trimEnd().split('\n');
    expect(csvLines).toHaveLength(16);
    expect(csvLines[0]).toMatch(/^eventTime,action,instanceId,outcome,errorCode,actorName,.*,violations$/);
    const text = (await runInProcess(['inspect', '--output', 'text', examples])).stdout.trimEnd().split('\n');
    expect(text).toHaveLength(15);
    expect(text.map((line) => line.split('\t').length)).toEqual(
      Array(15).fill(csvLines[0]?.split(',').length),
    );
    const viaEnv = await runInProcess(['inspect', examples], { env: { AWS_DEFAULT_OUTPUT: 'json' } });
    expect(viaEnv.stdout).toBe((await runInProcess(['inspect', '--json', examples])).stdout);
  });

  it('has help for the command and the program', async () => {
    expect((await runInProcess(['inspect', '--help'])).stdout).toMatch(
      /^Usage: ec2trail inspect \[--output FORMAT \| --json \| --findings \[--product-arn ARN\]\]\s+\[--policy FILE \| --config FILE\] PATH/,
    );
    expect((await runInProcess(['--help'])).stdout).toMatch(/inspect\s+attribute the EC2 lifecycle events/);
    expect((await runInProcess(['nope'])).status).toBe(2);
  });

  it("shows the deploy config's owner tags on launch records, and nothing on the others", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ec2trail-inspect-owner-'));
    writeFileSync(
      join(dir, 'ec2trail.config.json'),
      JSON.stringify({ ownerTags: { tags: { Owner: 'person', LaunchedAt: 'time' } } }),
    );
    const launch = fixture('events/runinstances-iamuser-cli.json');
    const stop = fixture('events/stopinstances-assumedrole-sourceidentity.json');
    const result = await runInProcess(['inspect', '--json', launch, stop], { cwd: dir });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('owner tags of ec2trail.config.json shown as "ownerTags"');
    const records = jsonLines(result.stdout);
    const launches = records.filter((r) => r.eventName === 'RunInstances');
    // The fixture: alice launches two instances at 09:15:04 with an Owner tag of their own, which stays.
    expect(launches.map((r) => r.ownerTags)).toEqual([
      {
        tags: { LaunchedAt: '2026-03-02T09:15:04Z' },
        resources: ['i-0a1b2c3d4e5f60001'],
        kept: [{ resource: 'i-0a1b2c3d4e5f60001', key: 'Owner' }],
      },
      {
        tags: { LaunchedAt: '2026-03-02T09:15:04Z' },
        resources: ['i-0a1b2c3d4e5f60002'],
        kept: [{ resource: 'i-0a1b2c3d4e5f60002', key: 'Owner' }],
      },
    ]);
    expect(records.filter((r) => r.eventName !== 'RunInstances').every((r) => !('ownerTags' in r))).toBe(
      true,
    );
    // Without owner tags in the config, the field is not there at all.
    expect(
      jsonLines((await runInProcess(['inspect', '--json', launch])).stdout).some((r) => 'ownerTags' in r),
    ).toBe(false);
  });

  it('refuses a config whose owner tags cdk deploy would refuse, saying which field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ec2trail-inspect-owner-'));
    writeFileSync(
      join(dir, 'ec2trail.config.json'),
      JSON.stringify({ ownerTags: { tags: { 'aws:owner': 'person' } } }),
    );
    const result = await runInProcess(
      ['inspect', '--json', fixture('events/runinstances-iamuser-cli.json')],
      {
        cwd: dir,
      },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'ownerTags.tags.aws:owner: tag key "aws:owner" must not start with "aws:"',
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
