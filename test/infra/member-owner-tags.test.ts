/**
 * Owner tags across an organization: the member StackSet carries a role in each member account,
 * created once per account (IAM is global), that only the home function's role may assume, from
 * this organization, with the deploy's external id; it may write the configured tag keys and
 * nothing else. Condition keys as IAM documents them (sts:ExternalId, aws:PrincipalOrgID,
 * aws:PrincipalArn, aws:ResourceOrgID).
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app';
import { parseConfig } from '../../lib/config';
import { bareApp } from '../helpers/app';
import { ROOT } from '../helpers/cli';

const ORG_CONFIG = join(ROOT, 'ec2trail.organization.example.json');

function synth(ownerTags: object | undefined) {
  const raw = JSON.parse(readFileSync(ORG_CONFIG, 'utf8'));
  const app = bareApp({ prefix: 'ec2trail-org-tags-' });
  const home = Template.fromStack(
    buildApp(app, parseConfig({ ...raw, ...(ownerTags ? { ownerTags } : {}) }, ORG_CONFIG)),
  );
  const [stackSet] = Object.values(home.findResources('AWS::CloudFormation::StackSet')) as {
    Properties: { TemplateBody: string; Parameters?: { ParameterKey: string; ParameterValue: unknown }[] };
  }[];
  if (!stackSet) throw new Error('no StackSet');
  const body = JSON.parse(stackSet.Properties.TemplateBody) as {
    Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, unknown> }>;
    Conditions: Record<string, unknown>;
    Parameters?: Record<string, unknown>;
  };
  return { home, stackSet, body };
}

describe('owner tags in member accounts', () => {
  const { home, stackSet, body } = synth({ tags: { Owner: 'person', LaunchedBy: 'caller' } });
  const roles = Object.entries(body.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role');
  const taggerRole = roles.find(([, r]) => r.Properties.RoleName === 'ec2trail-owner-tagger');

  it('puts one named role per member account: in the home region only, never in the home account', () => {
    expect(taggerRole?.[1].Condition).toBe('OwnerTagRoleHere');
    expect(body.Conditions.OwnerTagRoleHere).toEqual({
      'Fn::And': [{ Condition: 'NotHomeAccount' }, { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] }],
    });
    // Its policy goes with it; the forwarder's own resources stay in every region.
    const policies = Object.values(body.Resources).filter((r) => r.Type === 'AWS::IAM::Policy');
    expect(policies.filter((p) => p.Condition === 'OwnerTagRoleHere')).toHaveLength(1);
    expect(
      Object.values(body.Resources)
        .filter((r) => r.Type === 'AWS::Events::Rule')
        .every((r) => r.Condition === 'NotHomeAccount'),
    ).toBe(true);
  });

  it('trusts only the home function role, from this organization, with the external id', () => {
    expect(taggerRole?.[1].Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: {
            AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:root']] },
          },
          Condition: {
            StringEquals: {
              'sts:ExternalId': { Ref: 'OwnerTagExternalId' },
              'aws:PrincipalOrgID': 'o-a1b2c3d4e5',
            },
            ArnEquals: { 'aws:PrincipalArn': { Ref: 'OwnerTaggerArns' } },
          },
        },
      ],
    });
    // The StackSet fills both from the home stack: the function's role and the stack id's UUID.
    expect(stackSet.Properties.Parameters?.map((p) => p.ParameterKey)).toEqual([
      'OwnerTaggerArns',
      'OwnerTagExternalId',
    ]);
    const [arnParameter, idParameter] = stackSet.Properties.Parameters ?? [];
    expect(JSON.stringify(arnParameter?.ParameterValue)).toMatch(
      // One role: CDK writes the one-element list as the ARN itself.
      /^\{"Fn::GetAtt":\["AttributorRole[0-9A-F]+","Arn"\]\}$/,
    );
    expect(idParameter?.ParameterValue).toEqual({
      'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }],
    });
  });

  it('lets the member role write the configured keys on this account only, keeping tags already there', () => {
    const [policy] = Object.values(body.Resources).filter(
      (r) => r.Condition === 'OwnerTagRoleHere' && r.Type === 'AWS::IAM::Policy',
    );
    const statements = (
      (policy as { Properties: Record<string, unknown> }).Properties.PolicyDocument as {
        Statement: { Sid: string; Effect: string; Action: string; Condition: unknown; Resource: unknown[] }[];
      }
    ).Statement;
    expect(statements.map((s) => [s.Sid, s.Effect, s.Action])).toEqual([
      ['WriteOwnerTags', 'Allow', 'ec2:CreateTags'],
      ['KeepExistingOwnerTag0', 'Deny', 'ec2:CreateTags'],
      ['KeepExistingOwnerTag1', 'Deny', 'ec2:CreateTags'],
    ]);
    expect(statements[0]?.Condition).toEqual({
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['Owner', 'LaunchedBy'] },
      Null: { 'aws:TagKeys': 'false' },
    });
    // Three types in each of the three watched regions, in the member's own account.
    const resources = JSON.stringify(statements[0]?.Resource);
    expect(statements[0]?.Resource).toHaveLength(9);
    expect(resources).toContain('{"Ref":"AWS::AccountId"}');
    expect(resources).not.toContain('111122223333');
  });

  it("lets the home function assume that role by name, in this organization's accounts only", () => {
    home.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'AssumeMemberOwnerTagRole',
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Resource: {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/ec2trail-owner-tagger']],
            },
            Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' } },
          },
        ]),
      },
    });
    home.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          MEMBER_TAG_ROLE: 'ec2trail-owner-tagger',
          MEMBER_TAG_EXTERNAL_ID: { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] },
          PARTITION: { Ref: 'AWS::Partition' },
        }),
      },
    });
  });

  it("trusts the trail-file function's role too when the trail path recovers member accounts' events", () => {
    const raw = JSON.parse(readFileSync(ORG_CONFIG, 'utf8'));
    const app = bareApp({ prefix: 'ec2trail-org-tags-' });
    const config = parseConfig({ ...raw, ownerTags: {}, trail: { bucket: 'org-trail-logs' } }, ORG_CONFIG);
    const template = Template.fromStack(buildApp(app, config));
    const [set] = Object.values(template.findResources('AWS::CloudFormation::StackSet')) as {
      Properties: { Parameters: { ParameterKey: string; ParameterValue: unknown }[] };
    }[];
    const value = JSON.stringify(
      set?.Properties.Parameters.find((p) => p.ParameterKey === 'OwnerTaggerArns'),
    );
    expect(value).toMatch(/"Fn::GetAtt":\["AttributorRole[0-9A-F]+","Arn"\]/);
    expect(value).toMatch(/"Fn::GetAtt":\["TrailPathReaderRole[0-9A-F]+","Arn"\]/);
  });

  it('adds nothing of it without owner tags', () => {
    const plain = synth(undefined);
    expect(plain.stackSet.Properties.Parameters).toBeUndefined();
    expect(
      Object.values(plain.body.Resources).some(
        (r) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === 'ec2trail-owner-tagger',
      ),
    ).toBe(false);
    expect(JSON.stringify(plain.home.toJSON())).not.toContain('MEMBER_TAG_ROLE');
    expect(JSON.stringify(plain.home.toJSON())).not.toContain('AssumeMemberOwnerTagRole');
    // Nor the inventory's reader role, which comes with `inventory` (test/infra/inventory.test.ts).
    expect(JSON.stringify(plain.body)).not.toContain('ec2trail-inventory-reader');
  });
});
