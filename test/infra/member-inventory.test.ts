/**
 * The inventory across an organization: the member StackSet carries a read-only role in each
 * member account (once per account, in the home region), that only the home inventory function's
 * role may assume, from this organization; the home role may assume it by name in this
 * organization's accounts only, and list the organization's accounts. Condition keys as IAM
 * documents them (aws:PrincipalOrgID, aws:PrincipalArn, aws:ResourceOrgID).
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app';
import { parseConfig } from '../../lib/config';
import { bareApp } from '../helpers/app';
import { ROOT } from '../helpers/cli';

const ORG_CONFIG = join(ROOT, 'ec2trail.organization.example.json');

type Body = {
  Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, unknown> }>;
  Parameters?: Record<string, unknown>;
};

function synth(inventory: object | undefined) {
  const raw = JSON.parse(readFileSync(ORG_CONFIG, 'utf8'));
  const app = bareApp({ prefix: 'ec2trail-org-inventory-' });
  const home = Template.fromStack(
    buildApp(app, parseConfig({ ...raw, ...(inventory ? { inventory } : {}) }, ORG_CONFIG)),
  );
  const [stackSet] = Object.values(home.findResources('AWS::CloudFormation::StackSet')) as {
    Properties: { TemplateBody: string; Parameters?: { ParameterKey: string; ParameterValue: unknown }[] };
  }[];
  if (!stackSet) throw new Error('no StackSet');
  return { home, stackSet, body: JSON.parse(stackSet.Properties.TemplateBody) as Body, app };
}

describe('the inventory in member accounts', () => {
  const { home, stackSet, body } = synth({});
  const reader = Object.entries(body.Resources).find(
    ([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === 'ec2trail-inventory-reader',
  );

  it('puts one read-only role per member account, in the home region, never in the home account', () => {
    expect(reader?.[1].Condition).toBe('InventoryReaderRoleHere');
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

  it('trusts only the home inventory function role, from this organization', () => {
    expect(reader?.[1].Properties.AssumeRolePolicyDocument).toEqual({
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
            ArnEquals: { 'aws:PrincipalArn': { Ref: 'InventoryReaderArns' } },
          },
        },
      ],
    });
    // The StackSet passes the home function's role ARN.
    const parameter = stackSet.Properties.Parameters?.find((p) => p.ParameterKey === 'InventoryReaderArns');
    expect(JSON.stringify(parameter?.ParameterValue)).toContain('InventoryRole');
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

  it('puts no reader role in member accounts without the inventory', () => {
    expect(JSON.stringify(synth(undefined).body)).not.toContain('ec2trail-inventory-reader');
  });
});
