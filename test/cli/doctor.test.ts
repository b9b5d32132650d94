import { runChecks } from '../../cli/doctor/checks';
import type { DoctorAws, RuleFacts, SubscriptionFacts, TrailFacts } from '../../cli/doctor/ports';
import { runCli } from '../helpers/cli';

const OUTPUTS = {
  AttributionTableName: 'Ec2Trail-Table',
  AlertTopicArn: 'arn:aws:sns:eu-west-1:111122223333:alerts',
  LifecycleRuleName: 'Ec2Trail-Lifecycle',
  TrailRuleName: 'Ec2Trail-Trail',
  DeadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/dlq',
  AttributionFunctionName: 'Ec2Trail-Attributor',
  WatchedRegions: 'eu-west-1,us-east-1',
  MemberStackSetName: 'ec2trail-member-forwarders:1234',
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
  async queueDepth() {
    this.guard('queue');
    return this.depth;
  }
  async subscriptions() {
    return this.subs;
  }
  async stackSet() {
    return this.set;
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
