/**
 * Runs the README's AWS CLI query examples word for word against DynamoDB Local, over the
 * example trail written through the real core and adapter, and checks their answers.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attributeInputs, emptyTally } from '../../cli/attribution-stream';
import { readInputs } from '../../cli/inputs';
import { Replayer } from '../../cli/replay/replayer';
import { DynamoDbAttributionStore } from '../../lambda/adapters/dynamodb-attribution-store';
import { DynamoDbBatchImporter } from '../../lambda/adapters/dynamodb-batch-importer';
import { DynamoDbLineageStore } from '../../lambda/adapters/dynamodb-lineage-store';
import { ROOT } from '../helpers/cli';
import { describeIf } from '../helpers/requires';
import { documentClient, dynamoClient, dynamoEndpoint, freshTable } from '../helpers/services';

/**
 * An AWS CLI v2, whatever `aws` comes first on PATH (some machines put a shim or a v1 there):
 * EC2TRAIL_AWS_CLI, the Debian package's, then every `aws` on PATH, each asked its version.
 */
function findAwsCliV2(): string | null {
  const onPath = (process.env.PATH ?? '').split(':').map((dir) => join(dir, 'aws'));
  const candidates = [process.env.EC2TRAIL_AWS_CLI, '/usr/bin/aws', '/usr/local/bin/aws', ...onPath];
  for (const candidate of candidates) {
    if (!candidate || !existsSync(candidate)) continue;
    try {
      const version = execFileSync(candidate, ['--version'], { encoding: 'utf8', timeout: 30_000 });
      if (version.startsWith('aws-cli/2.')) return candidate;
    } catch {
      // Not a working AWS CLI: try the next.
    }
  }
  return null;
}

const AWS = findAwsCliV2() ?? '';

/** The named AWS CLI blocks of the README and docs/querying.md, by name. */
function readmeQueries(): Map<string, string> {
  const readme = ['README.md', join('docs', 'querying.md')]
    .map((file) => readFileSync(join(ROOT, file), 'utf8'))
    .join('\n');
  const queries = new Map<string, string>();
  for (const match of readme.matchAll(/<!-- query: ([\w-]+) -->\n```sh\n([\s\S]*?)\n```/g)) {
    if (match[1] && match[2]) queries.set(match[1], match[2]);
  }
  return queries;
}

type Row = Record<string, { S?: string; M?: Record<string, { S?: string }>; L?: { S?: string }[] }>;

const describeIfCli = describeIf(AWS !== '', 'no AWS CLI v2 found (apt-get install awscli)');

describeIfCli('README query examples', () => {
  const queries = readmeQueries();
  const client = dynamoClient();
  let table: string;

  beforeAll(async () => {
    table = await freshTable(client, 'readme');
    const store = new DynamoDbAttributionStore(documentClient(client), table);
    for await (const item of attributeInputs(readInputs([join(ROOT, 'examples')]), emptyTally())) {
      if (item.kind === 'event')
        await store.putRecords(item.records, { ingestedBy: 'replay', now: new Date() });
    }
    // A service trail, replayed with its links, for the byInitiatorName query.
    const documents = documentClient(client);
    await new Replayer({
      importer: new DynamoDbBatchImporter(documents, table),
      lineage: new DynamoDbLineageStore(documents, table),
      ingestedBy: 'replay',
      now: () => new Date(),
    }).run(readInputs([join(ROOT, 'test', 'fixtures', 'services', 'asg')]));
  });
  afterAll(() => client.destroy());

  function run(name: string): Row[] {
    return items(shell(name));
  }

  /** What a block that asks for `--output text` prints. */
  function runText(name: string): string {
    return shell(name).trim();
  }

  function shell(name: string): string {
    const command = queries.get(name);
    if (!command) throw new Error(`README has no query block named ${name}`);
    const output = execFileSync(
      'bash',
      ['-c', `aws() { "${AWS}" --endpoint-url "$ENDPOINT" --output json "$@"; }\n${command}`],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          TABLE: table,
          ENDPOINT: dynamoEndpoint(),
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_PAGER: '',
        },
      },
    );
    return output;
  }

  /**
   * The rows a command printed: one Query's `{"Items": …}`, or a shard loop's arrays, one per
   * Query, each printed whole at the left margin (the CLI indents everything inside).
   */
  function items(output: string): Row[] {
    const rows: Row[] = [];
    let document: string[] = [];
    for (const line of output.split('\n')) {
      document.push(line);
      if (line !== ']' && line !== '[]' && line !== '}') continue;
      const value: unknown = JSON.parse(document.join('\n'));
      document = [];
      if (Array.isArray(value)) rows.push(...(value as Row[]));
      else rows.push(...((value as { Items: Row[] }).Items ?? []));
    }
    expect(document.join('').trim()).toBe('');
    return rows;
  }

  it('documents the local block and six queries', () => {
    expect([...queries.keys()]).toEqual([
      'local-lifecycle',
      'lifecycle',
      'who-launched',
      'by-person',
      'by-person-failed',
      'behind',
      'account-region-day',
    ]);
  });

  it("local-lifecycle: the README's block, word for word, against the warm local store", () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ec2trail-readme-local-'));
    symlinkSync(join(ROOT, 'examples'), join(cwd, 'examples'));
    const entry = join(ROOT, 'bin', 'ec2trail.mjs');
    // The folder's own warm store, as a reader of the README has it (not the run's shared one).
    const env = {
      ...process.env,
      EC2TRAIL_LOCAL_ENDPOINT: '',
      EC2TRAIL_LOCAL_IDLE_MINUTES: '1',
      AWS_PAGER: '',
    };
    execFileSync(process.execPath, [entry, 'replay', '--local', 'examples/AWSLogs'], {
      cwd,
      env,
      stdio: 'ignore',
    });
    try {
      const output = execFileSync(
        'bash',
        [
          '-c',
          `npx() { [ "$1" = ec2trail ] || return 127; shift; "${process.execPath}" "${entry}" "$@"; }\naws() { "${AWS}" "$@"; }\n${queries.get('local-lifecycle')}`,
        ],
        { cwd, env, encoding: 'utf8' },
      );
      expect(
        output
          .trim()
          .split('\n')
          .map((line) => line.split('\t')[1]),
      ).toEqual(['terminate', 'connect', 'start', 'stop', 'launch']);
    } finally {
      execFileSync(process.execPath, [entry, 'local', 'stop'], { cwd, env, stdio: 'ignore' });
    }
  });

  it('lifecycle: one instance, newest first', () => {
    const rows = run('lifecycle');
    expect(rows.map((r) => [r.action?.S, r.actor?.M?.name?.S])).toEqual([
      ['terminate', 'bob'],
      ['connect', 'omar.haddad'],
      ['start', 'SamlExample'],
      ['stop', 'maria.garcia'],
      ['launch', 'alice'],
    ]);
  });

  it('who-launched: the person and the time of the launch', () => {
    expect(runText('who-launched')).toBe('alice\t2026-03-02T09:15:04Z');
  });

  it('by-person: what alice did in March, one entry per event', () => {
    // Her one RunInstances of two instances (examples/): one entry naming both.
    expect(run('by-person').map((r) => [r.eventName?.S, r.instanceIds?.L?.map((i) => i.S)])).toEqual([
      ['RunInstances', ['i-0a1b2c3d4e5f60001', 'i-0a1b2c3d4e5f60002']],
    ]);
  });

  it('by-person-failed: the failed attempts of one person', () => {
    expect(run('by-person-failed').map((r) => [r.action?.S, r.outcome?.S, r.instanceId?.S])).toEqual([
      ['launch', 'failed', 'no-instance#11111111-aaaa-4bbb-8ccc-000000000007'],
    ]);
  });

  it('behind: what services did because of bob', () => {
    // The asg trail: bob's SetDesiredCapacity at 12:00 caused the launch of …a002 at 12:00:30,
    // his second one at 13:00 the scale-in of …a001 at 13:00:20 (test/fixtures/services/README.md).
    // His own calls (no `via`) are left out by the filter.
    const rows = run('behind').sort((a, b) =>
      String(a.eventTimeId?.S).localeCompare(String(b.eventTimeId?.S)),
    );
    expect(rows.map((r) => [r.action?.S, r.instanceId?.S])).toEqual([
      ['launch', 'i-0a00000000000a002'],
      ['terminate', 'i-0a00000000000a001'],
    ]);
  });

  it('account-region-day: everything in one account and region on one day', () => {
    // One event that day in that account and region: alice's launch of two instances.
    const rows = run('account-region-day');
    expect(
      rows.map((r) => [r.accountRegionTime?.S?.slice(0, 23), r.instanceIds?.L?.map((i) => i.S)]),
    ).toEqual([['111122223333#eu-west-1#', ['i-0a1b2c3d4e5f60001', 'i-0a1b2c3d4e5f60002']]]);
  });
});
