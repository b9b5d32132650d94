/**
 * Owner tags in the template: the attribution role may call ec2:CreateTags and nothing else of
 * EC2, on instances, volumes and network interfaces of its account in the watched regions, with
 * the configured keys only; without `overwrite`, a deny per key keeps tags a resource already has.
 * Condition keys as the IAM and EC2 documentation name them (aws:TagKeys, aws:ResourceTag/<key>).
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../lib/app';
import { ConfigError } from '../../lib/config';
import { bareApp, synthesize, testConfig } from '../helpers/app';

type Statement = {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
  Effect: string;
};

function attributorStatements(overrides: object): Statement[] {
  const { template } = synthesize(overrides);
  return Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([id]) => id.startsWith('AttributorRole'))
    .flatMap(
      ([, r]) =>
        (r as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
          .Statement,
    );
}

const ec2Statements = (statements: Statement[]) =>
  statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('ec2:')));

/** The ARNs as the template writes them: a literal partition (cdk.json's flag), sorted. */
function resourceArns(regions: string[]) {
  return regions.flatMap((region) =>
    ['instance', 'network-interface', 'volume'].map((type) => `arn:aws:ec2:${region}:111122223333:${type}/*`),
  );
}

describe('owner tag permissions', () => {
  it('grants nothing of EC2 without ownerTags', () => {
    expect(ec2Statements(attributorStatements({}))).toEqual([]);
  });

  it('allows CreateTags with the configured keys only, and denies replacing each of them', () => {
    const statements = ec2Statements(
      attributorStatements({
        regions: ['eu-west-1', 'us-east-1'],
        ownerTags: { tags: { Owner: 'person', LaunchedAt: 'time' }, overwrite: false },
      }),
    );
    const resources = resourceArns(['eu-west-1', 'us-east-1']);
    expect(statements).toEqual([
      {
        Sid: 'WriteOwnerTags',
        Effect: 'Allow',
        Action: 'ec2:CreateTags',
        Resource: resources,
        Condition: {
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['Owner', 'LaunchedAt'] },
          Null: { 'aws:TagKeys': 'false' },
        },
      },
      {
        Sid: 'KeepExistingOwnerTag0',
        Effect: 'Deny',
        Action: 'ec2:CreateTags',
        Resource: resources,
        Condition: {
          'ForAnyValue:StringEquals': { 'aws:TagKeys': ['Owner'] },
          Null: { 'aws:ResourceTag/Owner': 'false' },
        },
      },
      {
        Sid: 'KeepExistingOwnerTag1',
        Effect: 'Deny',
        Action: 'ec2:CreateTags',
        Resource: resources,
        Condition: {
          'ForAnyValue:StringEquals': { 'aws:TagKeys': ['LaunchedAt'] },
          Null: { 'aws:ResourceTag/LaunchedAt': 'false' },
        },
      },
    ]);
  });

  it('drops the denies when overwrite is on', () => {
    const statements = ec2Statements(
      attributorStatements({ ownerTags: { tags: { Owner: 'person' }, overwrite: true } }),
    );
    expect(statements.map((s) => s.Effect)).toEqual(['Allow']);
  });

  it('passes cdk-nag with owner tags in two regions (each wildcard ARN acknowledged with a reason)', () => {
    const fresh = bareApp({ prefix: 'ec2trail-nag-' });
    buildApp(fresh, testConfig({ regions: ['eu-west-1', 'us-east-1'], ownerTags: {} }));
    expect(() => fresh.synth()).not.toThrow();
  });

  it('alarms on one launch whose tags could not be written, and only with ownerTags', () => {
    const alarmsOn = (overrides: object) =>
      Object.values(synthesize(overrides).template.findResources('AWS::CloudWatch::Alarm')).filter((a) =>
        JSON.stringify(a).includes('"MetricName":"OwnerTagFailures"'),
      );
    expect(alarmsOn({})).toHaveLength(0);
    const [alarm] = alarmsOn({ ownerTags: {} });
    expect((alarm as { Properties: unknown }).Properties).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(JSON.stringify(alarm)).toContain('"Namespace":"ec2trail"');
  });

  it('tells the function its home account, the only one it tags in', () => {
    const { template } = synthesize({ ownerTags: {} });
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function')).filter((r) =>
      JSON.stringify(r).includes('HOME_ACCOUNT'),
    );
    expect(
      (fn as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment
        .Variables.HOME_ACCOUNT,
    ).toBe('111122223333');
  });
});

describe('tag keys owner tags may not write', () => {
  const policyFile = (policy: object) => {
    const dir = mkdtempSync(join(tmpdir(), 'ec2trail-reserved-'));
    writeFileSync(join(dir, 'policy.json'), JSON.stringify(policy));
    return { dir, policyFile: 'policy.json' };
  };
  const ENFORCE = {
    rules: {
      instanceType: { deny: ['p5.*'], severity: 'critical', remediate: 'stop' },
      protectedInstances: { tags: { Environment: 'prod*' } },
    },
    remediation: { mode: 'enforce', protectedTags: { CostCenter: '*' } },
  };

  it('refuses ec2trail:ack and every other ec2trail: or aws: key, whatever the policy', () => {
    expect(() => testConfig({ ownerTags: { tags: { 'ec2trail:ack': 'person' } } })).toThrow(
      /ownerTags\.tags\.ec2trail:ack: tag key "ec2trail:ack" must not start with "ec2trail:"/,
    );
    expect(() => testConfig({ ownerTags: { tags: { 'EC2TRAIL:protected': 'person' } } })).toThrow(
      /must not start with "ec2trail:"/,
    );
  });

  it("refuses at synth an owner tag that is one of the policy's protected tag keys", () => {
    const { dir, policyFile: file } = policyFile(ENFORCE);
    for (const key of ['Environment', 'CostCenter']) {
      const attempt = () =>
        buildApp(bareApp(), testConfig({ policyFile: file, ownerTags: { tags: { [key]: 'person' } } }), dir);
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(
        `owner tag "${key}" is a protected tag key of the policy: written on every launch, it would keep remediation from ever acting`,
      );
    }
    // A key the policy does not read is fine.
    expect(() =>
      buildApp(bareApp(), testConfig({ policyFile: file, ownerTags: { tags: { Owner: 'person' } } }), dir),
    ).not.toThrow();
  });
});
