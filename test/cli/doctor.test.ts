import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecks } from '../../cli/doctor/checks';
import type { DoctorAws, RuleFacts, SubscriptionFacts, TrailFacts } from '../../cli/doctor/ports';
import { queueArnFromUrl } from '../../cli/doctor/trail-checks';
import { ROOT, runCli } from '../helpers/cli';

const OUTPUTS = {
  AttributionTableName: 'Ec2Trail-Table',
  AlertTopicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts',
  LifecycleRuleName: 'Ec2Trail-Lifecycle',
  TrailRuleName: 'Ec2Trail-Trail',
  DeadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/dlq',
  AttributionFunctionName: 'Ec2Trail-Attributor',
  WatchedRegions: 'eu-west-1,us-east-1',
  MemberStackSetName: 'ec2trail-member-forwarders:1234',
  TrailLocation: 's3://org-trail-logs/org/AWSLogs/',
  TrailFileQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/trail-files',
  TrailDeadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/trail-dlq',
  TrailLogRuleName: 'Ec2Trail-TrailLog',
};

const GOOD_TRAIL: TrailFacts = {
  name: 'org-trail',
  homeRegion: 'eu-west-1',
  multiRegion: true,
  organizationTrail: true,
  logging: true,
  writeManagementEvents: true,
};

/** A healthy deploy; each test breaks one thing. */
class FakeAws implements DoctorAws {
  outputs: Record<string, string> | null = { ...OUTPUTS };
  trailsByRegion: Record<string, TrailFacts[]> = { 'eu-west-1': [GOOD_TRAIL], 'us-east-1': [GOOD_TRAIL] };
  rules: Record<string, RuleFacts> = {
    'Ec2Trail-Lifecycle': { name: 'Ec2Trail-Lifecycle', enabled: true },
    'Ec2Trail-Trail': { name: 'Ec2Trail-Trail', enabled: true },
    'Ec2Trail-TrailLog': { name: 'Ec2Trail-TrailLog', enabled: true },
  };
  forwarders: Record<string, RuleFacts[] | null> = {
    'us-east-1': [
      { name: 'fwd-0', enabled: true },
      { name: 'fwd-1', enabled: true },
    ],
  };
  state = { state: 'Active', lastUpdate: 'Successful' };
  errors = 0;
  depth = 0;
  /** Queue depths by URL; the live dead-letter queue uses `depth`. */
  depths: Record<string, number> = { [OUTPUTS.TrailFileQueueUrl]: 2, [OUTPUTS.TrailDeadLetterQueueUrl]: 0 };
  bucketToEventBridge: boolean | 'denied' = true;
  metrics: Record<string, number> = {
    TrailFilesRead: 288,
    TrailFileFailures: 0,
    EventsRecoveredFromTrail: 0,
  };
  subs: SubscriptionFacts[] = [{ protocol: 'email', endpoint: 'ops@example.com', confirmed: true }];
  set: { status: string; instances: number; notCurrent: number } | null = {
    status: 'ACTIVE',
    instances: 12,
    notCurrent: 0,
  };
  failing: string | null = null;

  private guard(name: string) {
    if (this.failing === name)
      throw Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });
  }
  async stackOutputs() {
    return this.outputs;
  }
  async trails(region: string) {
    this.guard('trails');
    return this.trailsByRegion[region] ?? [];
  }
  async stackRules(_stack: string, region: string) {
    return this.forwarders[region] ?? null;
  }
  async rule(name: string) {
    return this.rules[name] ?? null;
  }
  async functionState() {
    return this.state;
  }
  async functionErrors() {
    return this.errors;
  }
  async queueDepth(url: string) {
    this.guard('queue');
    return this.depths[url] ?? this.depth;
  }
  async bucketSendsToEventBridge(bucket: string) {
    if (bucket !== 'org-trail-logs') throw new Error(`unexpected bucket ${bucket}`);
    if (this.bucketToEventBridge === 'denied')
      throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
    return this.bucketToEventBridge;
  }
  async appMetricSum(name: string) {
    const value = this.metrics[name];
    if (value === undefined) throw new Error(`unexpected metric ${name}`);
    return value;
  }
  async subscriptions() {
    return this.subs;
  }
  async stackSet() {
    return this.set;
  }
  scps: Awaited<ReturnType<DoctorAws['serviceControlPolicies']>> = { readable: true, policies: [] };
  async serviceControlPolicies() {
    this.guard('serviceControlPolicies');
    return this.scps;
  }
}

const OPTIONS = { stackName: 'Ec2Trail', region: 'eu-west-1' };

describe('ec2trail doctor checks', () => {
  it('passes a healthy organization deploy, check by check', async () => {
    const results = await runChecks(new FakeAws(), OPTIONS);
    expect(results.map((r) => [r.check, r.verdict])).toEqual([
      ['stack', 'ok'],
      ['trail eu-west-1', 'ok'],
      ['trail us-east-1', 'ok'],
      ['rules', 'ok'],
      ['forwarder us-east-1', 'ok'],
      ['function', 'ok'],
      ['dead letters', 'ok'],
      ['trail bucket', 'ok'],
      ['trail files', 'ok'],
      ['trail dead letters', 'ok'],
      ['recovered events', 'ok'],
      ['subscriptions', 'ok'],
      ['member accounts', 'ok'],
    ]);
  });

  it.each<[string, (aws: FakeAws) => void, string, string]>([
    ['a missing stack', (a) => (a.outputs = null), 'stack', 'Deploy it with npx cdk deploy'],
    [
      'no trail in a region',
      (a) => (a.trailsByRegion['us-east-1'] = []),
      'trail us-east-1',
      'aws cloudtrail create-trail',
    ],
    [
      'a trail that stopped logging',
      (a) => (a.trailsByRegion['eu-west-1'] = [{ ...GOOD_TRAIL, logging: false }]),
      'trail eu-west-1',
      'aws cloudtrail start-logging --name org-trail',
    ],
    [
      'a trail without write management events',
      (a) => (a.trailsByRegion['eu-west-1'] = [{ ...GOOD_TRAIL, writeManagementEvents: false }]),
      'trail eu-west-1',
      'Include management events',
    ],
    [
      'a disabled rule',
      (a) => (a.rules['Ec2Trail-Trail'] = { name: 'Ec2Trail-Trail', enabled: false }),
      'rules',
      'aws events enable-rule --name Ec2Trail-Trail',
    ],
    [
      'a missing forwarder stack',
      (a) => (a.forwarders['us-east-1'] = null),
      'forwarder us-east-1',
      'npx cdk deploy --all',
    ],
    [
      'a failed function',
      (a) => (a.state = { state: 'Failed', lastUpdate: 'Failed' }),
      'function',
      'Redeploy the stack',
    ],
    ['events in the dead-letter queue', (a) => (a.depth = 3), 'dead letters', 'npx ec2trail drain'],
    [
      'a disabled trail log rule',
      (a) => (a.rules['Ec2Trail-TrailLog'] = { name: 'Ec2Trail-TrailLog', enabled: false }),
      'rules',
      'aws events enable-rule --name Ec2Trail-TrailLog',
    ],
    [
      'a trail bucket that stopped sending to EventBridge',
      (a) => (a.bucketToEventBridge = false),
      'trail bucket',
      'npx cdk deploy --all',
    ],
    [
      'no log file read in a day',
      (a) => (a.metrics.TrailFilesRead = 0),
      'trail files',
      'rule Ec2Trail-TrailLog is enabled',
    ],
    [
      'log files in the trail dead-letter queue',
      (a) => (a.depths[OUTPUTS.TrailDeadLetterQueueUrl] = 2),
      'trail dead letters',
      'aws sqs start-message-move-task --source-arn arn:aws:sqs:eu-west-1:111122223333:trail-dlq',
    ],
    ['a StackSet without trusted access', (a) => (a.set = null), 'member accounts', 'trusted access'],
    ['a check AWS refuses', (a) => (a.failing = 'queue'), 'dead letters', 'credentials may read this'],
  ])('fails on %s and says what to do', async (_title, breakIt, check, fix) => {
    const aws = new FakeAws();
    breakIt(aws);
    const result = (await runChecks(aws, OPTIONS)).find((r) => r.check === check);
    expect(result?.verdict).toBe('fail');
    expect(result?.fix).toContain(fix);
  });

  it.each<[string, (aws: FakeAws) => void, string, string]>([
    ['recent function errors', (a) => (a.errors = 4), 'function', '4 errors in the last 24 hours'],
    [
      'an unconfirmed email',
      (a) => a.subs.push({ protocol: 'email', endpoint: 'new@example.com', confirmed: false }),
      'subscriptions',
      '1 of 2 not confirmed: new@example.com',
    ],
    ['nobody subscribed', (a) => (a.subs = []), 'subscriptions', 'nobody is subscribed to alerts'],
    [
      'events EventBridge missed',
      (a) => (a.metrics.EventsRecoveredFromTrail = 3),
      'recovered events',
      '3 events came only from the log files in the last 24 hours (recorded and alerted late)',
    ],
    [
      'failed reads of log files',
      (a) => (a.metrics.TrailFileFailures = 1),
      'trail files',
      '288 log files read in the last 24 hours, 2 waiting; 1 read failed (retried)',
    ],
    [
      'a log-archive bucket it may not read',
      (a) => (a.bucketToEventBridge = 'denied'),
      'trail bucket',
      "cannot read org-trail-logs's notification settings from this account",
    ],
    [
      'outdated member stacks',
      (a) => (a.set = { status: 'ACTIVE', instances: 12, notCurrent: 2 }),
      'member accounts',
      '2 of 12 forwarder stacks are not current',
    ],
  ])('warns about %s', async (_title, breakIt, check, detail) => {
    const aws = new FakeAws();
    breakIt(aws);
    const result = (await runChecks(aws, OPTIONS)).find((r) => r.check === check);
    expect(result).toMatchObject({ verdict: 'warn', detail });
  });

  it('skips the trail checks when the deploy reads no trail', async () => {
    const aws = new FakeAws();
    const outputs = { ...OUTPUTS } as Record<string, string>;
    for (const key of ['TrailLocation', 'TrailFileQueueUrl', 'TrailDeadLetterQueueUrl', 'TrailLogRuleName'])
      delete outputs[key];
    aws.outputs = outputs;
    aws.bucketToEventBridge = false;
    const checks = (await runChecks(aws, OPTIONS)).map((r) => r.check);
    for (const trailCheck of ['trail bucket', 'trail files', 'trail dead letters', 'recovered events'])
      expect(checks).not.toContain(trailCheck);
    const results = await runChecks(aws, OPTIONS);
    expect(results.find((r) => r.check === 'rules')?.detail).toBe('2 rules enabled in eu-west-1');
  });

  it('derives the dead-letter queue ARN from its URL, in both partitions', () => {
    expect(queueArnFromUrl('https://sqs.eu-west-1.amazonaws.com/111122223333/trail-dlq')).toBe(
      'arn:aws:sqs:eu-west-1:111122223333:trail-dlq',
    );
    expect(queueArnFromUrl('https://sqs.cn-north-1.amazonaws.com.cn/111122223333/q')).toBe(
      'arn:aws-cn:sqs:cn-north-1:111122223333:q',
    );
    expect(queueArnFromUrl('http://localhost:4566/000000000000/q')).toBeNull();
  });

  it('keeps checking after one check cannot be made', async () => {
    const aws = new FakeAws();
    aws.failing = 'trails';
    const results = await runChecks(aws, OPTIONS);
    expect(results.filter((r) => r.verdict === 'fail').map((r) => r.check)).toEqual([
      'trail eu-west-1',
      'trail us-east-1',
    ]);
    expect(results.find((r) => r.check === 'subscriptions')?.verdict).toBe('ok');
  });

  it('needs a region, with a one-line usage error', () => {
    const result = runCli(['doctor'], {
      env: { AWS_REGION: '', AWS_DEFAULT_REGION: '', AWS_CONFIG_FILE: '/nonexistent', AWS_PROFILE: '' },
    });
    expect(result.status).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(
      'ec2trail doctor: doctor needs the home region: pass --region, set AWS_REGION, or give the profile a region',
    );
  });
});

describe('the launcher opt-out check (enforce only)', () => {
  const shipped = readFileSync(join(ROOT, 'policy', 'scp-reserve-ec2trail-tags.json'), 'utf8');
  const verdict = async (aws: FakeAws) =>
    (await runChecks(aws, OPTIONS)).find((r) => r.check === 'launcher opt-out');

  it('is not made without enforce', async () => {
    expect(await verdict(new FakeAws())).toBeUndefined();
  });

  it('names the shipped SCP when it applies, and warns when none does or Organizations cannot be read', async () => {
    const aws = new FakeAws();
    aws.outputs = { ...OUTPUTS, RemediationMode: 'enforce' };
    aws.scps = {
      readable: true,
      policies: [
        { name: 'FullAWSAccess', content: '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' },
        { name: 'reserve-ec2trail', content: shipped },
      ],
    };
    expect(await verdict(aws)).toMatchObject({
      verdict: 'ok',
      detail: 'service control policy reserve-ec2trail reserves ec2trail:ack at launch',
    });
    aws.scps = {
      readable: true,
      policies: [
        { name: 'FullAWSAccess', content: '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' },
      ],
    };
    expect(await verdict(aws)).toMatchObject({ verdict: 'warn' });
    // A deny that names the tag but not RunInstances does not keep a launcher from it.
    aws.scps = {
      readable: true,
      policies: [
        {
          name: 'tags-only',
          content:
            '{"Statement":[{"Effect":"Deny","Action":"ec2:CreateTags","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["ec2trail:ack"]}}}]}',
        },
      ],
    };
    expect(await verdict(aws)).toMatchObject({ verdict: 'warn' });
    // ec2:Run* covers it, as IAM matches actions.
    aws.scps = {
      readable: true,
      policies: [
        {
          name: 'wide',
          content:
            '{"Statement":{"Effect":"Deny","Action":["ec2:Run*"],"Resource":"*","Condition":{"Null":{"aws:RequestTag/ec2trail:ack":"false"}}}}',
        },
      ],
    };
    expect(await verdict(aws)).toMatchObject({ verdict: 'ok' });
    aws.scps = { readable: false, reason: 'AccessDeniedException: not the management account' };
    expect(await verdict(aws)).toMatchObject({
      verdict: 'warn',
      detail: expect.stringContaining('cannot tell'),
    });
  });
});
