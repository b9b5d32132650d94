/**
 * The scheduled inventory in the template: one daily Scheduler schedule in the configured time
 * zone, a function whose role can read what the inventory reads (EC2, Event history, the Price
 * List, the trail's files under its prefix) and write only rows, links and the snapshot, and the
 * alarms the config asks for. cdk-nag runs on the whole app (test/infra/stack.test.ts runs it on
 * the default deploy; this one on a deploy with the inventory and a trail). Across an
 * organization, the member StackSet carries a read-only role in each member account (once per
 * account, in the home region) that only the home inventory function's role and the configured
 * readers may assume, from this organization; the home role may assume it by name in this
 * organization's accounts only, and list the organization's accounts. Condition keys as IAM
 * documents them (aws:PrincipalOrgID, aws:PrincipalArn, aws:ResourceOrgID).
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app';
import { parseConfig } from '../../lib/config';
import { bareApp, synthesize, testConfig } from '../helpers/app';
import { ROOT } from '../helpers/cli';

type Resource = { Properties: Record<string, unknown> };
type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

const CONFIG = {
  inventory: { at: '04:30', timeZone: 'Europe/Berlin', coverageAlarmBelow: 95, forgottenAfterDays: 14 },
  trail: { bucket: 'org-trail-logs', prefix: 'org' },
};

function statementsOf(template: ReturnType<typeof synthesize>['template']): Statement[] {
  return Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([id]) => id.startsWith('InventoryRole'))
    .flatMap(
      ([, policy]) =>
        ((policy as Resource).Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('the scheduled inventory in the template', () => {
  const { template } = synthesize(CONFIG);

  it('runs daily at the configured time, in its time zone, and keeps a failed run', () => {
    const schedules = (
      Object.entries(template.findResources('AWS::Scheduler::Schedule')) as [string, Resource][]
    )
      .filter(([id]) => id.startsWith('Inventory'))
      .map(([, s]) => s.Properties);
    expect(schedules).toEqual([
      expect.objectContaining({
        ScheduleExpression: 'cron(30 4 * * ? *)',
        ScheduleExpressionTimezone: 'Europe/Berlin',
        Target: expect.objectContaining({
          Input: '{}',
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: expect.anything() },
        }),
      }),
    ]);
  });

  it('gives the function its settings: threshold, evidence, prices, the person tag, the trail', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Timeout: 900,
      Environment: {
        Variables: Match.objectLike({
          FORGOTTEN_AFTER_DAYS: '14',
          EVENT_HISTORY: 'on',
          PRICES: 'on',
          PERSON_TAG_KEYS: 'Owner',
          TRAIL_BUCKET: 'org-trail-logs',
          TRAIL_PREFIX: 'org',
        }),
      },
    });
  });

  it('lets the function read EC2, Event history and prices, and nothing else with "*"', () => {
    const star = statementsOf(template).filter((s) => JSON.stringify(s.Resource) === '"*"');
    expect(star.flatMap(actionsOf).sort()).toEqual([
      'cloudtrail:LookupEvents',
      'ec2:DescribeInstances',
      'ec2:DescribeRegions',
      'ec2:DescribeSpotPriceHistory',
      'pricing:GetProducts',
    ]);
  });

  it('lets it write only rows, lineage links and the snapshot: no delete, no scan, links by attribute', () => {
    const statements = statementsOf(template);
    const dynamo = statements.flatMap(actionsOf).filter((a) => a.startsWith('dynamodb:'));
    expect([...new Set(dynamo)].sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    const update = statements.find((s) => actionsOf(s).includes('dynamodb:UpdateItem'));
    expect(JSON.stringify(update?.Condition)).toContain('dynamodb:Attributes');
    // The table itself, never its indexes.
    expect(
      JSON.stringify(statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')))),
    ).not.toContain('/index/');
  });

  it("reads the trail's files under its prefix only", () => {
    const statements = statementsOf(template);
    const list = statements.find((s) => actionsOf(s).includes('s3:ListBucket'));
    expect(list?.Condition).toEqual({ StringLike: { 's3:prefix': ['org/AWSLogs/*'] } });
    const get = statements.find((s) => actionsOf(s).includes('s3:GetObject'));
    expect(JSON.stringify(get?.Resource)).toContain(':s3:::org-trail-logs/org/AWSLogs/*');
    expect(
      statements
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('s3:'))
        .sort(),
    ).toEqual(['s3:GetObject', 's3:ListBucket']);
  });

  it('alarms when coverage falls below the threshold, on the day’s lowest value, and on a failed run', () => {
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm')) as [string, Resource][];
    const coverage = alarms.find(([id]) => id.startsWith('MonitoringInventoryCoverageLow'))?.[1].Properties;
    expect(coverage).toMatchObject({
      Threshold: 95,
      ComparisonOperator: 'LessThanThreshold',
      Metrics: [
        {
          MetricStat: {
            Metric: {
              MetricName: 'InventoryCoverage',
              Namespace: 'ec2trail',
              Dimensions: [{ Name: 'service', Value: 'ec2trail' }],
            },
            Period: 86_400,
            Stat: 'Minimum',
          },
        },
      ],
    });
    expect(alarms.some(([id]) => id.startsWith('MonitoringInventoryDeadLetters'))).toBe(true);
  });

  it('has no coverage alarm when no threshold is set', () => {
    const plain = synthesize({ inventory: {} }).template;
    const ids = Object.keys(plain.findResources('AWS::CloudWatch::Alarm'));
    expect(ids.some((id) => id.startsWith('MonitoringInventoryCoverageLow'))).toBe(false);
    expect(ids.some((id) => id.startsWith('MonitoringInventoryDeadLetters'))).toBe(true);
  });

  it('passes cdk-nag with the inventory and a trail (each acknowledgement with its reason)', () => {
    const app = bareApp({ prefix: 'ec2trail-nag-' });
    buildApp(app, testConfig(CONFIG));
    expect(() => app.synth()).not.toThrow();
  });
});

const ORG_CONFIG = join(ROOT, 'ec2trail.organization.example.json');

type Body = {
  Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, unknown> }>;
  Parameters?: Record<string, unknown>;
};

function synthOrganization(inventory: object) {
  const raw = JSON.parse(readFileSync(ORG_CONFIG, 'utf8'));
  const app = bareApp({ prefix: 'ec2trail-org-inventory-' });
  const home = Template.fromStack(buildApp(app, parseConfig({ ...raw, inventory }, ORG_CONFIG)));
  const [stackSet] = Object.values(home.findResources('AWS::CloudFormation::StackSet')) as {
    Properties: { TemplateBody: string; Parameters?: { ParameterKey: string; ParameterValue: unknown }[] };
  }[];
  if (!stackSet) throw new Error('no StackSet');
  return { home, stackSet, body: JSON.parse(stackSet.Properties.TemplateBody) as Body, app };
}

describe('the inventory in member accounts', () => {
  // The home account's platform team, through IAM Identity Center, may read members from a laptop.
  const reader =
    'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_PlatformAdmin_*';
  const { home, stackSet, body } = synthOrganization({ readers: [reader] });
  const readerRole = Object.entries(body.Resources).find(
    ([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === 'ec2trail-inventory-reader',
  );

  it('puts one read-only role per member account, in the home region, never in the home account', () => {
    expect(readerRole?.[1].Condition).toBe('InventoryReaderRoleHere');
    const policies = Object.values(body.Resources).filter(
      (r) => r.Type === 'AWS::IAM::Policy' && r.Condition === 'InventoryReaderRoleHere',
    );
    expect(policies).toHaveLength(1);
    const statements = (
      policies[0]!.Properties.PolicyDocument as { Statement: { Action: string[]; Resource: string }[] }
    ).Statement;
    expect(statements).toEqual([
      expect.objectContaining({
        Action: [
          'ec2:DescribeInstances',
          'ec2:DescribeRegions',
          'ec2:DescribeSpotPriceHistory',
          'cloudtrail:LookupEvents',
        ],
        Resource: '*',
      }),
    ]);
  });

  it('describes every role in the characters IAM accepts (Latin-1, as cfn-lint checks)', () => {
    const roles = [
      ...Object.values(body.Resources),
      ...Object.values(home.findResources('AWS::IAM::Role')),
    ].filter((r) => (r as { Type: string }).Type === 'AWS::IAM::Role') as {
      Properties: { Description?: string };
    }[];
    expect(roles.length).toBeGreaterThan(2);
    // Tab, newline, return, printable ASCII and Latin-1's printable half: nothing else.
    for (const role of roles)
      expect([...(role.Properties.Description ?? '')].every((c) => /[\t\n\r -~\u00A1-\u00FF]/.test(c))).toBe(
        true,
      );
  });

  it('trusts only the home inventory function role and the configured readers, from this organization', () => {
    expect(readerRole?.[1].Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: {
            AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:root']] },
          },
          Condition: {
            StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
            ArnLike: { 'aws:PrincipalArn': { Ref: 'InventoryReaderArns' } },
          },
        },
      ],
    });
    // The StackSet passes the home function's role ARN, and the readers the config names.
    const parameter = stackSet.Properties.Parameters?.find((p) => p.ParameterKey === 'InventoryReaderArns');
    expect(JSON.stringify(parameter?.ParameterValue)).toContain('InventoryRole');
    expect(JSON.stringify(parameter?.ParameterValue)).toContain(reader);
  });

  it("lets the home function list the accounts and assume the reader by name, in this organization's accounts only", () => {
    home.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Sid: 'ListAccounts', Action: 'organizations:ListAccounts', Effect: 'Allow', Resource: '*' },
          {
            Sid: 'AssumeMemberReaders',
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Resource: {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/ec2trail-inventory-reader']],
            },
            Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' } },
          },
        ]),
      },
    });
    home.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          HOME_ACCOUNT: '111122223333',
          MEMBER_ROLE_NAME: 'ec2trail-inventory-reader',
          PARTITION: { Ref: 'AWS::Partition' },
        }),
      },
    });
  });
});
