/**
 * Every config field can be set with `-c key=value`, as the README says; the CDK CLI hands each
 * value over as a string. These tests build the real app from context, as `cdk synth` does.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp, loadConfig } from '../../lib/app';
import { ConfigError, OVERRIDE_KINDS } from '../../lib/config';
import { bareApp } from '../helpers/app';

function appWith(context: Record<string, string>): App {
  return bareApp({ prefix: 'ec2trail-ctx-', context });
}

function configOf(context: Record<string, string>) {
  // A folder without ec2trail.config.json: only the context speaks.
  return loadConfig(appWith(context), mkdtempSync(join(tmpdir(), 'ec2trail-cwd-')));
}

function configErrorOf(context: Record<string, string>): readonly string[] {
  try {
    configOf(context);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a configuration error');
}

describe('-c overrides', () => {
  // One string per field, as typed after -c, and the value it must become (written by hand).
  const cases: Record<keyof typeof OVERRIDE_KINDS, [string, unknown]> = {
    stackName: ['Trail2', 'Trail2'],
    account: ['111122223333', '111122223333'],
    region: ['eu-west-1', 'eu-west-1'],
    tableMove: ['{"step":2}', { step: 2 }],
    actions: ['launch,stop,terminate', ['launch', 'stop', 'terminate']],
    watchTrail: ['false', false],
    alertEmails: ['a@example.com, b@example.com', ['a@example.com', 'b@example.com']],
    alertPhones: ['+15551234567', ['+15551234567']],
    policyFile: ['policy/example-policy.yaml', 'policy/example-policy.yaml'],
    smsMinSeverity: ['warning', 'warning'],
    emailMinSeverity: ['info', 'info'],
    retentionDays: ['400', 400],
    regions: ['eu-west-1,us-east-1', ['eu-west-1', 'us-east-1']],
    organization: [
      '{"id":"o-a1b2c3d4e5","organizationalUnits":["r-ab12"]}',
      {
        id: 'o-a1b2c3d4e5',
        organizationalUnits: ['r-ab12'],
        readAccountNames: false,
        callAs: 'DELEGATED_ADMIN',
      },
    ],
    trail: [
      '{"bucket":"org-trail-logs","prefix":"org","backfill":{}}',
      {
        bucket: 'org-trail-logs',
        prefix: 'org',
        backfill: { maxConcurrency: 20, filesPerBatch: 10, toleratedFailurePercentage: 0 },
      },
    ],
    violationEvents: ['false', false],
    securityHub: ['true', true],
    people: [
      '{"contacts":[{"email":"alice@example.com"}]}',
      {
        sessionNameIsEmail: true,
        minSeverity: 'warning',
        contacts: [{ email: 'alice@example.com', names: [], arnPrefixes: [] }],
      },
    ],
    digests: [
      '{"weekly":{},"timeZone":"Europe/Paris"}',
      { timeZone: 'Europe/Paris', weekly: { day: 'mon', at: '08:00' }, team: true, people: true },
    ],
    // The defaults, as docs/configuration.md gives them.
    inventory: [
      '{"coverageAlarmBelow":90}',
      {
        at: '05:00',
        timeZone: 'UTC',
        forgottenAfterDays: 30,
        readers: [],
        coverageAlarmBelow: 90,
        eventHistory: true,
        prices: true,
      },
    ],
    chat: [
      '{"slack":[{"workspaceId":"T0123ABCD","channelId":"C0123ABCD"}]}',
      { slack: [{ workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' }], teams: [] },
    ],
    ownerTags: [
      '{}',
      {
        tags: { Owner: 'person', LaunchedBy: 'caller', LaunchedVia: 'via', LaunchedAt: 'time' },
        overwrite: false,
      },
    ],
    tags: ['team=platform, cost-center=42', { team: 'platform', 'cost-center': '42' }],
    logRetentionDays: ['30', 30],
  };

  it.each(Object.entries(cases))('sets %s', (key, [text, expected]) => {
    const base = { account: '111122223333', region: 'eu-west-1' };
    expect(configOf({ ...base, [key]: text })).toMatchObject({ [key]: expected });
  });

  it('has a case for every field of the schema', () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(OVERRIDE_KINDS).sort());
  });

  it('turns a misspelt key into an error naming the closest key', () => {
    expect(configErrorOf({ alertEmail: 'ops@example.com' })).toEqual([
      expect.stringMatching(
        /^unknown config key "alertEmail" \(did you mean alertEmails\?\); the keys are stackName, /,
      ),
    ]);
  });

  it('leaves the CDK own context keys alone', () => {
    expect(() =>
      configOf({
        '@aws-cdk/core:enablePartitionLiterals': 'true',
        'aws:cdk:enable-path-metadata': 'true',
        'acknowledged-issue-numbers': '[]',
        'availability-zones:account=111122223333:region=eu-west-1': '["eu-west-1a"]',
      }),
    ).not.toThrow();
  });

  it.each([
    ['watchTrail', 'no', 'watchTrail: Invalid input: expected boolean, received string'],
    ['organization', '{id:', 'organization: not valid JSON'],
    ['tags', 'team', 'tags: "team" is not key=value'],
    [
      'ownerTags',
      '{"tags":{"aws:owner":"person"}}',
      'ownerTags.tags.aws:owner: tag key "aws:owner" must not start with "aws:" (reserved for AWS)',
    ],
    [
      'ownerTags',
      '{"tags":{"Owner":"manager"}}',
      'ownerTags.tags.Owner: Invalid option: expected one of "person"|"caller"|"via"|"time"',
    ],
  ])('explains a value of the wrong shape: -c %s=%s', (key, text, message) => {
    expect(configErrorOf({ [key]: text })[0]).toContain(message);
  });
});

describe('the app built from -c', () => {
  function synth(context: Record<string, string>) {
    const app = appWith({ account: '111122223333', region: 'eu-west-1', ...context });
    const stack = buildApp(app, loadConfig(app, mkdtempSync(join(tmpdir(), 'ec2trail-cwd-'))));
    return { app, stack, template: Template.fromStack(stack) };
  }
  const TRAIL_RULE = { EventPattern: Match.objectLike({ source: ['aws.cloudtrail'] }) };

  it('drops the trail rule with -c watchTrail=false', () => {
    synth({}).template.hasResourceProperties('AWS::Events::Rule', TRAIL_RULE);
    expect(
      synth({ watchTrail: 'false' }).template.findResources('AWS::Events::Rule', { Properties: TRAIL_RULE }),
    ).toEqual({});
  });

  it('adds a forwarder stack per other region with -c regions=', () => {
    const { app } = synth({ regions: 'eu-west-1,us-east-1' });
    expect(
      app.node.children
        .filter((child) => child instanceof Stack)
        .map((child) => child.node.id)
        .sort(),
    ).toEqual(['Ec2Trail', 'Ec2Trail-Forwarder-us-east-1']);
  });

  it('puts the tags of -c tags= on every taggable resource', () => {
    const { template } = synth({ tags: 'team=platform' });
    for (const type of [
      'AWS::DynamoDB::Table',
      'AWS::SNS::Topic',
      'AWS::Lambda::Function',
      'AWS::SQS::Queue',
      'AWS::KMS::Key',
    ])
      for (const [, resource] of Object.entries(template.findResources(type)))
        expect((resource as { Properties: { Tags?: unknown[] } }).Properties.Tags).toContainEqual({
          Key: 'team',
          Value: 'platform',
        });
  });

  it('warns at synth when nobody is subscribed to the alerts', () => {
    Annotations.fromStack(synth({}).stack).hasWarning(
      '*',
      Match.stringLikeRegexp('No alertEmails or alertPhones'),
    );
    expect(
      Annotations.fromStack(synth({ alertEmails: 'ops@example.com' }).stack).findWarning(
        '*',
        Match.stringLikeRegexp('No alertEmails or alertPhones'),
      ),
    ).toEqual([]);
  });

  it('outputs the dashboard address', () => {
    const outputs = synth({}).template.findOutputs('DashboardUrl');
    expect(JSON.stringify(outputs)).toContain(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/',
    );
  });
});
