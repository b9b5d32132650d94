import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app';
import { ConfigError, parseConfig } from '../../lib/config';
import { bareApp } from '../helpers/app';
import { ROOT } from '../helpers/cli';

const ORG_CONFIG = join(ROOT, 'ec2trail.organization.example.json');
const HOME_BUS = 'arn:aws:events:eu-west-1:111122223333:event-bus/default';

function synthOrganization() {
  const app = bareApp({ prefix: 'ec2trail-org-' });
  const home = buildApp(app, parseConfig(JSON.parse(readFileSync(ORG_CONFIG, 'utf8')), ORG_CONFIG));
  const assembly = app.synth();
  const template = (name: string) => Template.fromJSON(assembly.getStackByName(name).template);
  return { home: Template.fromStack(home), template, stacks: assembly.stacks.map((s) => s.stackName) };
}

function patternsOf(template: Template): unknown[] {
  return Object.values(template.findResources('AWS::Events::Rule')).map(
    (r) => (r as { Properties: { EventPattern: unknown } }).Properties.EventPattern,
  );
}

describe('one deploy for every region and account', () => {
  const { home, template, stacks } = synthOrganization();

  it('deploys the home stack and a forwarder in every other region', () => {
    expect(stacks.sort()).toEqual([
      'Ec2Trail',
      'Ec2Trail-Forwarder-ap-southeast-2',
      'Ec2Trail-Forwarder-us-east-1',
    ]);
  });

  it("forwards with exactly the home rules' patterns to the home bus, with a role that can only put events there", () => {
    const forwarder = template('Ec2Trail-Forwarder-us-east-1');
    expect(patternsOf(forwarder).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
      patternsOf(home).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
    forwarder.allResourcesProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          Arn: HOME_BUS,
          RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ForwarderRole'), 'Arn'] },
          DeadLetterConfig: Match.anyValue(),
        }),
      ],
    });
    forwarder.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'events.amazonaws.com' } })],
      },
    });
    forwarder.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: HOME_BUS }] },
    });
    forwarder.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  });

  it('opens the home bus to the organization and nothing broader', () => {
    const policies = home.findResources('AWS::Events::EventBusPolicy');
    expect(Object.values(policies)).toEqual([
      {
        Type: 'AWS::Events::EventBusPolicy',
        Properties: {
          EventBusName: 'default',
          StatementId: 'ec2trail-organization-forwarders',
          Statement: {
            Sid: 'ec2trail-organization-forwarders',
            Effect: 'Allow',
            Principal: '*',
            Action: 'events:PutEvents',
            Resource: {
              'Fn::Join': [
                '',
                ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-1:111122223333:event-bus/default'],
              ],
            },
            Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
          },
        },
      },
    ]);
  });

  it('puts the forwarder in member accounts with a service-managed StackSet, in every region, skipping the home account', () => {
    home.hasResourceProperties('AWS::CloudFormation::StackSet', {
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      StackInstancesGroup: [
        {
          DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cdef3456', 'ou-ab12-7890ghij'] },
          Regions: ['eu-west-1', 'us-east-1', 'ap-southeast-2'],
        },
      ],
    });
    const stackSet = Object.values(home.findResources('AWS::CloudFormation::StackSet'))[0] as {
      Properties: { TemplateBody: string };
    };
    const member = Template.fromJSON(JSON.parse(stackSet.Properties.TemplateBody));
    expect(
      patternsOf(member)
        .map((p) => JSON.stringify(p))
        .sort(),
    ).toEqual(
      patternsOf(home)
        .map((p) => JSON.stringify(p))
        .sort(),
    );
    member.allResourcesProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: HOME_BUS })] });
    const body = JSON.parse(stackSet.Properties.TemplateBody) as {
      Resources: Record<string, { Condition?: string; Type: string }>;
      Parameters?: object;
      Rules?: object;
    };
    expect(body.Parameters).toBeUndefined();
    expect(body.Rules).toBeUndefined();
    for (const [id, resource] of Object.entries(body.Resources)) {
      if (id !== 'HomeAccountPlaceholder') expect(resource.Condition).toBe('NotHomeAccount');
    }
  });

  it('lets the function read account names from this organization only, when asked', () => {
    home.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ ACCOUNT_NAMES: 'organizations' }) },
    });
    home.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 'organizations:DescribeAccount',
            Effect: 'Allow',
            Resource: {
              'Fn::Join': [
                '',
                ['arn:', { Ref: 'AWS::Partition' }, ':organizations::*:account/o-a1b2c3d4e5/*'],
              ],
            },
          },
        ]),
      },
    });
  });

  it('synthesizes offline from the example config with cdk-nag clean, and without a stack trace', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bin', 'app.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'ec2trail-org-synth-')),
        // The real entry and cdk-nag; bundling is test/infra/bundle.test.ts's subject.
        CDK_CONTEXT_JSON: JSON.stringify({ config: ORG_CONFIG, 'aws:cdk:bundling-stacks': [] }),
      },
      timeout: 120_000,
    });
    expect(result.stderr).not.toMatch(/AwsSolutions-|Error/);
    expect(result.status).toBe(0);
  });
});

describe('organization config mistakes', () => {
  function problems(raw: object): readonly string[] {
    try {
      parseConfig(raw, 'test');
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  }
  const base = { account: '111122223333', region: 'eu-west-1' };

  it.each([
    [
      { ...base, regions: ['eu-west-1', 'eu-west-9'] },
      'regions[1]: unknown AWS region "eu-west-9" (did you mean eu-west-1?)',
    ],
    [{ ...base, regions: ['us-east-1'] }, 'regions: must include the home region eu-west-1'],
    [{ ...base, regions: ['eu-west-1', 'eu-west-1'] }, 'regions: lists a region twice'],
    [
      { ...base, organization: { id: 'org-123', organizationalUnits: ['ou-ab12-cdef3456'] } },
      'organization.id: must be an organization id such as o-a1b2c3d4e5',
    ],
    [
      { ...base, organization: { id: 'o-a1b2c3d4e5', organizationalUnits: ['sales'] } },
      'organization.organizationalUnits[0]: must be an OU id (ou-…) or the root id (r-…)',
    ],
    [
      { ...base, organization: { id: 'o-a1b2c3d4e5', organizationalUnits: [] } },
      'organization.organizationalUnits: name at least one OU, or the root id (r-…) for the whole organization',
    ],
    [
      { region: 'eu-west-1', regions: ['eu-west-1', 'us-east-1'] },
      'account: must be set when regions or organization are: forwarders need the home account and region',
    ],
  ])('rejects %j with one clear message', (raw, message) => {
    expect(problems(raw)).toEqual([message]);
  });
});
