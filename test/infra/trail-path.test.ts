/**
 * The trail path and the backfill state machine, asserted on the synthesized templates. Expected
 * values come from the config given here and from AWS's documented formats (the S3 "Object
 * Created" event, CloudTrail's log key layout, the Distributed Map fields).
 */

import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app';
import { ConfigError, parseConfig } from '../../lib/config';
import { logArchiveStatements } from '../../lib/features/trail-path/log-archive-stack';
import { deployApp, synthesize } from '../helpers/app';

const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const TRAIL = {
  bucket: 'org-trail-logs',
  prefix: 'org',
  kmsKeyArn: KEY,
  backfill: { maxConcurrency: 40, filesPerBatch: 25, toleratedFailurePercentage: 5 },
};

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown; Effect: string };

function statementsOf(template: Template, logicalIdPart: string): Statement[] {
  return Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([id]) => id.includes(logicalIdPart))
    .flatMap(
      ([, r]) =>
        (r as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
          .Statement,
    );
}

function actionsOf(statements: Statement[]): string[] {
  return statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
}

describe('the trail path (same account and region)', () => {
  const { template } = synthesize({ trail: TRAIL });

  it("matches the trail's log files under its folder, from this account, onto the queue", () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        account: ['111122223333'],
        detail: {
          bucket: { name: ['org-trail-logs'] },
          object: { key: [{ wildcard: 'org/AWSLogs/*/CloudTrail/*.json.gz' }] },
        },
      },
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('TrailPathFilesQueue'), 'Arn'] } }),
      ],
    });
  });

  it("turns on the bucket's EventBridge notifications without replacing its other notifications", () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: 'org-trail-logs',
      NotificationConfiguration: { EventBridgeConfiguration: {} },
      // CDK's handler keeps notifications it did not create on a bucket it did not create.
      Managed: false,
    });
  });

  it('queues files with a dead-letter queue after five receives, encrypted, six times the reader timeout', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 1800,
      RedrivePolicy: { maxReceiveCount: 5, deadLetterTargetArn: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('lets the reader get only the log objects, and decrypt only through S3 in the bucket region', () => {
    const statements = statementsOf(template, 'TrailPathReaderRole');
    const s3 = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('s3:')));
    expect(s3).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::org-trail-logs/org/AWSLogs/*',
      }),
    ]);
    expect(statements.filter((s) => actionsOf([s]).includes('kms:Decrypt') && s.Resource === KEY)).toEqual([
      expect.objectContaining({
        Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
      }),
    ]);
    expect(
      actionsOf(statements).filter((a) => a.includes('*') && !a.startsWith('kms:GenerateDataKey')),
    ).toEqual([]);
  });

  it('runs a Distributed Map over one prefix, in batches, with bounded concurrency, retries and a report', () => {
    const definition = JSON.stringify(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(definition).toContain('\\"Type\\":\\"Map\\"');
    expect(definition).toContain(
      '\\"ProcessorConfig\\":{\\"Mode\\":\\"DISTRIBUTED\\",\\"ExecutionType\\":\\"EXPRESS\\"}',
    );
    expect(definition).toContain(
      ':states:::s3:listObjectsV2\\",\\"Parameters\\":{\\"Bucket\\":\\"org-trail-logs\\",\\"Prefix.$\\":\\"$.prefix\\"}',
    );
    expect(definition).toContain(
      '\\"ItemBatcher\\":{\\"MaxItemsPerBatch\\":25,\\"BatchInput\\":{\\"bucket\\":\\"org-trail-logs\\"}}',
    );
    expect(definition).toContain('\\"MaxConcurrency\\":40');
    expect(definition).toContain('\\"ToleratedFailurePercentage\\":5');
    expect(definition).toMatch(
      /\\"ErrorEquals\\":\[\\"Lambda.TooManyRequestsException\\"[^\]]*\],\\"IntervalSeconds\\":2,\\"MaxAttempts\\":8,\\"BackoffRate\\":2/,
    );
    expect(definition).toContain(':states:::s3:putObject\\",\\"Parameters\\":{\\"Bucket\\":\\"');
  });

  it('gives the state machine only the list, invoke and report rights it needs', () => {
    const statements = statementsOf(template, 'TrailPathBackfillStateMachineRole');
    const s3 = statements.filter((s) => actionsOf([s]).some((a) => a.startsWith('s3:')));
    expect(s3).toContainEqual(
      expect.objectContaining({ Action: 's3:ListBucket', Resource: 'arn:aws:s3:::org-trail-logs' }),
    );
    // Nothing may read or write the trail bucket's objects: the function reads, the machine only lists.
    const trailObjects = s3.filter((s) => JSON.stringify(s.Resource).includes('org-trail-logs/'));
    expect(trailObjects).toEqual([]);
    const invoke = statements.filter((s) => actionsOf([s]).includes('lambda:InvokeFunction'));
    expect(JSON.stringify(invoke)).toMatch(/TrailPathReaderFunction/);
    expect(JSON.stringify(invoke)).not.toMatch(/Attributor/);
  });

  it('alarms as soon as one event had to be recovered, and when files are dead-lettered', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [
        Match.objectLike({
          MetricStat: {
            Metric: {
              MetricName: 'EventsRecoveredFromTrail',
              Namespace: 'ec2trail',
              Dimensions: [{ Name: 'service', Value: 'ec2trail' }],
            },
            Period: 300,
            Stat: 'Sum',
          },
        }),
      ],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      AlarmDescription: Match.stringLikeRegexp('trail log files could not be read'),
    });
    const dashboard = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboard).toContain('EventsRecoveredFromTrail');
    expect(dashboard).toContain('TrailLagSeconds');
  });

  it('retains the queues, the results bucket and the logs', () => {
    for (const type of ['AWS::SQS::Queue', 'AWS::S3::Bucket', 'AWS::Logs::LogGroup'])
      for (const resource of Object.values(template.findResources(type)))
        expect((resource as { DeletionPolicy?: string }).DeletionPolicy).toBe('Retain');
    template.hasOutput('BackfillStateMachineArn', {});
    template.hasOutput('TrailLocation', { Value: 's3://org-trail-logs/org/AWSLogs/' });
  });
});

describe('without trail', () => {
  it('deploys none of it', () => {
    const { template } = synthesize();
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
    template.resourceCountIs('Custom::S3BucketNotifications', 0);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
  });
});

describe('a trail bucket in a log-archive account', () => {
  const trail = {
    ...TRAIL,
    account: '999988887777',
    region: 'us-east-1',
    kmsKeyArn: KEY.replace('eu-west-1:111122223333', 'us-east-1:999988887777'),
  };
  const app = deployApp({ prefix: 'ec2trail-archive-' });
  const home = Template.fromStack(
    buildApp(app, parseConfig({ account: '111122223333', region: 'eu-west-1', trail }, 'test')),
  );
  const assembly = app.synth();
  const archive = Template.fromJSON(assembly.getStackByName('Ec2Trail-LogArchive').template);

  it('deploys a log-archive stack in the bucket account and region that forwards log-file events home', () => {
    const stack = assembly.getStackByName('Ec2Trail-LogArchive');
    expect(stack.environment).toMatchObject({ account: '999988887777', region: 'us-east-1' });
    archive.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['aws.s3'], account: ['999988887777'] }),
      Targets: [Match.objectLike({ Arn: 'arn:aws:events:eu-west-1:111122223333:event-bus/default' })],
    });
    archive.hasResourceProperties('Custom::S3BucketNotifications', { BucketName: 'org-trail-logs' });
  });

  it("lets only that account put only S3's object events on the home bus, and matches them", () => {
    home.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: Match.objectLike({
        Principal: { AWS: 'arn:aws:iam::999988887777:root' },
        Action: 'events:PutEvents',
        Condition: { StringEquals: { 'events:source': 'aws.s3', 'events:detail-type': 'Object Created' } },
      }),
    });
    home.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ account: ['999988887777'] }),
    });
    home.resourceCountIs('Custom::S3BucketNotifications', 0);
  });

  it('names the roles that the bucket and key policy statements grant, and grants no more', () => {
    home.hasResourceProperties('AWS::IAM::Role', { RoleName: 'Ec2Trail-TrailReader-eu-west-1' });
    home.hasResourceProperties('AWS::IAM::Role', { RoleName: 'Ec2Trail-Backfill-eu-west-1' });
    const statements = logArchiveStatements(
      trail,
      '111122223333',
      { reader: 'Ec2Trail-TrailReader-eu-west-1', backfill: 'Ec2Trail-Backfill-eu-west-1' },
      'aws',
    );
    expect(statements.bucket).toEqual([
      {
        Sid: 'Ec2TrailReadLogFiles',
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::111122223333:role/Ec2Trail-TrailReader-eu-west-1'] },
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::org-trail-logs/org/AWSLogs/*',
      },
      {
        Sid: 'Ec2TrailListLogFiles',
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::111122223333:role/Ec2Trail-Backfill-eu-west-1'] },
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::org-trail-logs',
        Condition: { StringLike: { 's3:prefix': ['org/AWSLogs/*'] } },
      },
    ]);
    expect(statements.key).toMatchObject({
      Action: 'kms:Decrypt',
      Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
    });
    archive.hasOutput('BucketPolicyStatements', { Value: JSON.stringify(statements.bucket) });
  });
});

describe('trail config errors', () => {
  const problems = (trail: unknown, home: object = { account: '111122223333', region: 'eu-west-1' }) => {
    try {
      parseConfig({ ...home, trail }, 'test');
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it('names each mistake', () => {
    expect(problems({ bucket: 'Bad_Bucket' })).toEqual([
      expect.stringMatching(/^trail\.bucket: must be an S3 bucket name/),
    ]);
    expect(problems({ bucket: 'ok-bucket', prefix: '/logs/' })).toEqual([
      expect.stringMatching(/^trail\.prefix: must not start or end with "\/"/),
    ]);
    expect(problems({ bucket: 'ok-bucket', kmsKeyArn: 'alias/trail' })).toEqual([
      expect.stringMatching(/^trail\.kmsKeyArn: must be a KMS key ARN/),
    ]);
    expect(problems({ bucket: 'ok-bucket', backfill: { maxConcurrency: 0 } })).toEqual([
      expect.stringMatching(/^trail\.backfill\.maxConcurrency:/),
    ]);
    expect(problems({ bucket: 'ok-bucket', bukcet: 'x' })).toEqual([
      expect.stringMatching(/unknown field.* in trail: bukcet/),
    ]);
  });

  it('needs the home account and region for a bucket elsewhere', () => {
    expect(problems({ bucket: 'ok-bucket', account: '999988887777' }, {})).toEqual([
      expect.stringMatching(/^region: must be set when trail\.account or trail\.region differ/),
    ]);
  });
});

describe('the trail path acts on the launches it recovers as the live path does', () => {
  const reader = (template: Template) => {
    const [fn] = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) =>
      id.startsWith('TrailPathReader'),
    );
    if (!fn) throw new Error('no reader function');
    return (fn[1] as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties
      .Environment.Variables;
  };

  it('writes owner tags and schedules stops with the same grants and settings as the attribution function', () => {
    const { template } = synthesize({
      trail: TRAIL,
      ownerTags: { tags: { Owner: 'person' } },
      policyFile: 'test/fixtures/policies/remediate-enforce.yaml',
    });
    const readerActions = actionsOf(statementsOf(template, 'TrailPathReaderRole'));
    const attributorActions = actionsOf(statementsOf(template, 'AttributorRole'));
    for (const action of ['ec2:CreateTags', 'scheduler:CreateSchedule', 'iam:PassRole'])
      expect({ action, reader: readerActions.includes(action) }).toEqual({
        action,
        reader: attributorActions.includes(action),
      });
    expect(readerActions).toContain('ec2:CreateTags');
    expect(readerActions).toContain('scheduler:CreateSchedule');
    const variables = reader(template);
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining([
        'HOME_ACCOUNT',
        'SCHEDULE_GROUP',
        'REMEDIATION_FUNCTION_ARN',
        'SCHEDULER_ROLE_ARN',
        'SCHEDULE_DLQ_ARN',
      ]),
    );
  });

  it('has none of it without owner tags or an enforcing policy', () => {
    const { template } = synthesize({ trail: TRAIL });
    const readerActions = actionsOf(statementsOf(template, 'TrailPathReaderRole'));
    expect(readerActions.filter((a) => a.startsWith('ec2:') || a.startsWith('scheduler:'))).toEqual([]);
    expect(reader(template).HOME_ACCOUNT).toBeUndefined();
  });
});
