/**
 * `backfill --trail`: which prefixes it plans from the bucket's folders (fauxqs S3), what it
 * writes when it reads on this machine (DynamoDB Local), and how it drives the state machine.
 * Step Functions has no emulator here: its client is mocked, and only to check the runner's
 * decisions (start, skip, redrive, wait, count).
 */

import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  ExecutionAlreadyExists,
  ListMapRunsCommand,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { executionArnOf, executionName, runOnStateMachine } from '../../cli/backfill/state-machine-runner';
import { backfillTrail, trailPrefixOf } from '../../cli/backfill/trail-backfill';
import { monthsBetween, planTrailPrefixes, s3Folders } from '../../cli/backfill/trail-plan';
import { syntheticEvents } from '../../support/synthetic-trail';
import { documentClient, dynamoClient, dynamoEndpoint, freshTable, s3Client } from '../helpers/services';

const ORG = 'org/AWSLogs/o-a1b2c3d4e5';
const KEYS = [
  // Account A, two regions, January to March 2026; account B, one region.
  `${ORG}/111122223333/CloudTrail/eu-west-1/2026/01/31/a.json.gz`,
  `${ORG}/111122223333/CloudTrail/eu-west-1/2026/02/01/b.json.gz`,
  `${ORG}/111122223333/CloudTrail/eu-west-1/2026/03/15/c.json.gz`,
  `${ORG}/111122223333/CloudTrail/us-east-1/2026/02/10/d.json.gz`,
  `${ORG}/444455556666/CloudTrail/eu-west-1/2026/02/20/e.json.gz`,
  `${ORG}/444455556666/CloudTrail-Digest/eu-west-1/2026/02/20/digest.json.gz`,
];

describe('planning', () => {
  let bucket: string;
  beforeAll(async () => {
    bucket = `plan-${Date.now()}`;
    const s3 = s3Client();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const events = [...syntheticEvents(5, 77)].map((e) => e.text);
    for (const [i, Key] of KEYS.entries())
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key, Body: gzipSync(`{"Records":[${events[i] ?? ''}]}`) }),
      );
  });

  it('lists account, region and month prefixes, through an organization folder', async () => {
    const plan = await planTrailPrefixes(s3Folders(s3Client(), bucket), {
      trailPrefix: 'org',
      since: new Date('2026-02-15T00:00:00Z'),
      until: new Date('2026-03-01T00:00:00Z'),
    });
    expect(plan.map((p) => p.prefix)).toEqual([
      `${ORG}/111122223333/CloudTrail/eu-west-1/2026/02/`,
      `${ORG}/111122223333/CloudTrail/eu-west-1/2026/03/`,
      `${ORG}/111122223333/CloudTrail/us-east-1/2026/02/`,
      `${ORG}/111122223333/CloudTrail/us-east-1/2026/03/`,
      `${ORG}/444455556666/CloudTrail/eu-west-1/2026/02/`,
      `${ORG}/444455556666/CloudTrail/eu-west-1/2026/03/`,
    ]);
    const narrowed = await planTrailPrefixes(s3Folders(s3Client(), bucket), {
      trailPrefix: 'org',
      since: new Date('2026-01-01T00:00:00Z'),
      until: new Date('2026-01-31T00:00:00Z'),
      accounts: ['111122223333'],
      regions: ['us-east-1'],
    });
    expect(narrowed).toEqual([
      {
        account: '111122223333',
        region: 'us-east-1',
        month: '2026-01',
        prefix: `${ORG}/111122223333/CloudTrail/us-east-1/2026/01/`,
      },
    ]);
  });

  it('reads exact days on this machine, into the table', async () => {
    const client = dynamoClient();
    const table = await freshTable(client, 'trail-backfill');
    const lines: string[] = [];
    const code = await backfillTrail(
      {
        trail: `s3://${bucket}/org/AWSLogs/`,
        sinceMs: Date.parse('2026-02-01T00:00:00Z'),
        untilMs: Date.parse('2026-02-28T23:59:59Z'),
        parallel: 1,
        target: { table, endpointUrl: dynamoEndpoint(), region: 'us-east-1' },
        s3: s3Client(),
      },
      { out: () => {}, err: (line: string) => lines.push(line) } as never,
    );
    expect(lines.join('\n')).toMatch(/reading on this machine instead|Backfilled into/);
    expect(code).toBe(0);
    // February's files by hand: b, d and e (a is January, c is March; the digest is not a log).
    expect(lines.join('\n')).toMatch(/Backfilled into .*: 3 files, 3 events/);
    const { Items } = await documentClient(client).send(new ScanCommand({ TableName: table }));
    expect((Items ?? []).filter((i) => i.ingestedBy === 'backfill').length).toBeGreaterThan(0);
  });
});

describe('the state machine runner', () => {
  const sm = 'arn:aws:states:eu-west-1:111122223333:stateMachine:Backfill';
  const prefix = (month: string) => ({
    account: '111122223333',
    region: 'eu-west-1',
    month,
    prefix: `AWSLogs/111122223333/CloudTrail/eu-west-1/${month.replace('-', '/')}/`,
  });

  it('starts new prefixes, skips what succeeded, redrives what failed, and adds up the map runs', async () => {
    const sfn = mockClient(SFNClient);
    const done = executionArnOf(sm, executionName('b-1', prefix('2026-01')));
    const failed = executionArnOf(sm, executionName('b-1', prefix('2026-02')));
    const fresh = executionArnOf(sm, executionName('b-1', prefix('2026-03')));
    sfn
      .on(StartExecutionCommand, { name: executionName('b-1', prefix('2026-03')) })
      .resolves({ executionArn: fresh });
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    let polls = 0;
    sfn.on(DescribeExecutionCommand, { executionArn: done }).resolves({ status: 'SUCCEEDED' });
    sfn
      .on(DescribeExecutionCommand, { executionArn: failed })
      .resolvesOnce({ status: 'FAILED' })
      .resolves({ status: 'SUCCEEDED' });
    sfn.on(DescribeExecutionCommand, { executionArn: fresh }).callsFake(async () => ({
      status: ++polls < 3 ? 'RUNNING' : 'SUCCEEDED',
    }));
    sfn
      .on(ListMapRunsCommand)
      .callsFake(async ({ executionArn }) => ({ mapRuns: [{ mapRunArn: `${executionArn}/map` }] }));
    sfn.on(DescribeMapRunCommand).resolves({ itemCounts: { succeeded: 10, failed: 0, total: 10 } as never });
    sfn.on(RedriveExecutionCommand).resolves({});

    const outcomes = await runOnStateMachine(
      sfn as unknown as SFNClient,
      [prefix('2026-01'), prefix('2026-02'), prefix('2026-03')],
      {
        stateMachineArn: sm,
        bucket: 'b-1',
        parallel: 2,
        sleep: async () => {},
      },
    );
    expect(outcomes.map((o) => [o.prefix.month, o.outcome])).toEqual([
      ['2026-01', 'succeeded-earlier'],
      ['2026-02', 'succeeded'],
      ['2026-03', 'succeeded'],
    ]);
    expect(sfn.commandCalls(RedriveExecutionCommand).map((c) => c.args[0].input.executionArn)).toEqual([
      failed,
    ]);
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input).toBe(
      JSON.stringify({ prefix: prefix('2026-01').prefix }),
    );
    expect(outcomes.reduce((sum, o) => sum + o.files.succeeded, 0)).toBe(30);
    expect(polls).toBe(3);
  });

  it('names executions by what they read, within 80 characters', () => {
    const name = executionName('b-1', { ...prefix('2026-01'), region: 'ap-southeast-5' });
    expect(name).toMatch(/^ec2trail-111122223333-ap-southeast-5-2026-01-[0-9a-z]+$/);
    expect(name.length).toBeLessThanOrEqual(80);
    expect(executionName('b-1', prefix('2026-01'))).toBe(executionName('b-1', prefix('2026-01')));
    expect(executionName('b-2', prefix('2026-01'))).not.toBe(executionName('b-1', prefix('2026-01')));
    expect(trailPrefixOf('org/AWSLogs/o-x/')).toBe('org');
    expect(trailPrefixOf('')).toBe('');
    expect(monthsBetween(new Date('2025-11-30Z'), new Date('2026-02-01Z'))).toEqual([
      '2025/11',
      '2025/12',
      '2026/01',
      '2026/02',
    ]);
  });
});
