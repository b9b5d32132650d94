/**
 * Every function of every deploy starts: the environment each synthesized function carries
 * (tokens stood in for by values of their kind) reads through that function's schema, and a
 * recording function's environment has every setting its bundle's features read.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { featureProblems } from '../../lambda/runtime/recording-settings';
import { type FunctionName, type RecordingSettings, readSettings } from '../../lambda/settings/functions';
import { buildApp } from '../../lib/app';
import { parseConfig } from '../../lib/config';
import { bareApp } from '../helpers/app';

const ROOT = join(__dirname, '..', '..');

/** What a deployed token resolves to, by setting: the shape AWS gives it. */
const DEPLOYED: Record<string, string> = {
  TABLE_NAME: 'Ec2Trail-AttributionTable-1A2B3C',
  TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:Ec2Trail-Alerts',
  HOME_ACCOUNT: '111122223333',
  SCHEDULE_GROUP: 'Ec2Trail-Remediation-1A2B3C',
  REMEDIATION_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:111122223333:function:Ec2Trail-Remediation',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::111122223333:role/Ec2Trail-SchedulerRole',
  SCHEDULE_DLQ_ARN: 'arn:aws:sqs:eu-west-1:111122223333:Ec2Trail-ScheduleDeadLetters',
  MEMBER_TAG_EXTERNAL_ID: '5f3e1c2a-7b1d-11ef-9a3b-0a1b2c3d4e5f',
  PARTITION: 'aws',
  SECURITY_HUB_PRODUCT_ARN: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
};

/** The function a template's function is, by its logical id; null for the CDK's own helpers. */
function kindOf(logicalId: string): FunctionName | null {
  if (logicalId.startsWith('Attributor')) return 'attribution';
  if (logicalId.startsWith('TrailPathReader')) return 'trailFile';
  if (logicalId.startsWith('Remediation')) return 'remediation';
  if (logicalId.startsWith('Digests')) return 'digest';
  if (logicalId.startsWith('Inventory')) return 'inventory';
  if (logicalId.startsWith('AlarmRelay')) return 'alarmRelay';
  return null;
}

function deployedEnvironment(variables: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => {
      if (typeof value === 'string') return [name, value];
      const deployed = DEPLOYED[name];
      if (deployed === undefined) throw new Error(`${name} is a token with no deployed value in this test`);
      return [name, deployed];
    }),
  );
}

const DEPLOYS: Record<string, object> = {
  default: {},
  'organization, owner tags, Security Hub, trail path, digests, inventory, chat and an enforcing policy': {
    ...JSON.parse(readFileSync(join(ROOT, 'ec2trail.organization.example.json'), 'utf8')),
    ownerTags: {},
    securityHub: true,
    trail: { bucket: 'org-trail-logs' },
    digests: { daily: {}, team: true, people: true },
    inventory: { regions: ['eu-west-1', 'us-east-1'], coverageAlarmBelow: 90 },
    people: { contacts: [{ email: 'maria@example.com', names: ['maria.garcia'] }] },
    chat: { slack: [{ workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' }] },
    policyFile: 'test/fixtures/policies/remediate-enforce.yaml',
  },
};

describe.each(Object.entries(DEPLOYS))('the functions of the %s deploy', (_name, raw) => {
  const config = parseConfig({ account: '111122223333', region: 'eu-west-1', ...raw }, 'test');
  const stack = buildApp(bareApp({ prefix: 'ec2trail-settings-' }), config, ROOT);
  const functions = Object.entries(Template.fromStack(stack).findResources('AWS::Lambda::Function'))
    .map(([id, resource]) => ({
      id,
      kind: kindOf(id),
      variables: (resource.Properties.Environment?.Variables ?? {}) as Record<string, unknown>,
    }))
    .filter(
      (f): f is { id: string; kind: FunctionName; variables: Record<string, unknown> } => f.kind !== null,
    );

  it.each(functions.map((f) => [f.id, f] as const))('%s reads its settings', (_id, fn) => {
    expect(() => readSettings(fn.kind, deployedEnvironment(fn.variables))).not.toThrow();
  });

  it('gives each recording function every setting its bundle reads', () => {
    const recording = [
      { build: stack.attribution.build, kind: 'attribution' as const },
      ...(stack.trailPath ? [{ build: stack.trailPath.reader.build, kind: 'trailFile' as const }] : []),
    ];
    for (const { build, kind } of recording) {
      const fn = functions.find((f) => f.kind === kind);
      const env = deployedEnvironment(fn?.variables ?? {});
      const settings = readSettings(kind, env) as RecordingSettings;
      expect(featureProblems({ env, settings, policy: build.policy }, build)).toEqual([]);
    }
  });
});
