/**
 * Remediation in the template: nothing of it without an enforcing policy; with one, a schedule
 * group, a remediation function whose StopInstances needs the violation tag and is denied on
 * acknowledged and protected instances, a scheduler role that may only invoke it, and an
 * attribution role that may only schedule in that group, pass that role to Scheduler and write
 * the two marking tags on instances. The tags and globs expected are the fixture policy's.
 */

import { Match, type Template } from 'aws-cdk-lib/assertions';
import { synthesize } from '../helpers/app';

const ENFORCE = 'test/fixtures/policies/remediate-enforce.yaml';

type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};

function statementsOf(template: Template, rolePrefix: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(rolePrefix)))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('remediation in the template', () => {
  const { template } = synthesize({ policyFile: ENFORCE });

  it('deploys nothing of remediation for the default policy, or a dry run', () => {
    const plain = synthesize().template;
    plain.resourceCountIs('AWS::Scheduler::ScheduleGroup', 0);
    const all = JSON.stringify(plain.toJSON());
    expect(all).not.toContain('ec2:StopInstances');
    expect(all).not.toContain('scheduler:CreateSchedule');
    expect(Object.keys(plain.findOutputs('RemediationMode'))).toEqual([]);
  });

  it('says its mode in an output, for doctor', () => {
    template.hasOutput('RemediationMode', { Value: 'enforce' });
  });

  it('creates one schedule group, and a function with its own dead-letter queue and alarms', () => {
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Environment: {
        Variables: Match.objectLike({ HOME_ACCOUNT: '111122223333', TABLE_NAME: Match.anyValue() }),
      },
      Description: Match.absent(),
      MemorySize: 256,
      Timeout: 60,
    });
    for (const name of ['RemediationFailures', 'RemediationFunctionErrors', 'RemediationDeadLetters'])
      expect(
        Object.keys(template.findResources('AWS::CloudWatch::Alarm')).some((id) => id.includes(name)),
      ).toBe(true);
  });

  it('lets the remediation function stop only marked, unacknowledged, unprotected instances', () => {
    const statements = statementsOf(template, 'RemediationRole');
    const stops = statements.filter((s) => actions(s).includes('ec2:StopInstances'));
    const allow = stops.filter((s) => s.Effect === 'Allow');
    expect(allow).toHaveLength(1);
    expect(allow[0]?.Condition).toEqual({ Null: { 'aws:ResourceTag/ec2trail:violation': 'false' } });
    const denies = stops.filter((s) => s.Effect === 'Deny').map((s) => s.Condition);
    // The built-in tag, the protectedInstances rule's tag and remediation.protectedTags of the fixture.
    expect(denies).toEqual([
      { Null: { 'aws:ResourceTag/ec2trail:ack': 'false' } },
      { StringLike: { 'aws:ResourceTag/ec2trail:protected': 'true' } },
      { StringLike: { 'aws:ResourceTag/Environment': 'prod*' } },
      { StringLike: { 'aws:ResourceTag/Team': 'sre' } },
    ]);
    for (const s of stops) expect(JSON.stringify(s.Resource)).toContain(':instance/*');
    // Nothing else of EC2 but the read before the stop; never terminate, never start.
    const ec2 = statements.flatMap(actions).filter((a) => a.startsWith('ec2:'));
    expect([...new Set(ec2)].sort()).toEqual(['ec2:DescribeInstances', 'ec2:StopInstances']);
    expect(JSON.stringify(template.toJSON())).not.toContain('ec2:TerminateInstances');
  });

  it('lets Scheduler invoke only the remediation function, and only from this account', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
          }),
        ],
      },
    });
    const statements = statementsOf(template, 'RemediationSchedulerRole');
    expect([...new Set(statements.flatMap(actions))].sort()).toEqual([
      'lambda:InvokeFunction',
      'sqs:SendMessage',
    ]);
  });

  it('lets the attribution function schedule in its group, pass the scheduler role, and write only the marking tags', () => {
    const statements = statementsOf(template, 'AttributorRole');
    const byName = (sid: string) => statements.find((s) => s.Sid === sid);
    expect(byName('ScheduleStops')).toMatchObject({
      Action: ['scheduler:CreateSchedule', 'scheduler:GetSchedule'],
    });
    expect(JSON.stringify(byName('ScheduleStops')?.Resource)).toMatch(
      /:schedule\/Ec2Trail-Remediation[^/]*\/\*/,
    );
    expect(byName('PassSchedulerRole')?.Condition).toEqual({
      StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' },
    });
    expect(byName('MarkViolations')?.Condition).toEqual({
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['ec2trail:violation', 'ec2trail:deadline'] },
      Null: { 'aws:TagKeys': 'false' },
    });
    expect(statements.flatMap(actions)).not.toContain('ec2:StopInstances');
    // It reads the instances before marking them, in the watched regions only.
    expect(byName('VerifyLaunches')).toMatchObject({
      Action: 'ec2:DescribeInstances',
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': expect.arrayContaining([expect.any(String)]) } },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          SCHEDULE_GROUP: { Ref: Match.stringLikeRegexp('^RemediationSchedules') },
          REMEDIATION_FUNCTION_ARN: Match.anyValue(),
          SCHEDULER_ROLE_ARN: Match.anyValue(),
          SCHEDULE_DLQ_ARN: Match.anyValue(),
        }),
      },
    });
  });
});
