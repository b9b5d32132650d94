import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { alertKey, quotaMinuteKey } from '../../lambda/schema/attribution-table';
import { buildApp } from '../../lib/app';
import { bareApp, synthesize, testConfig } from '../helpers/app';

type Statement = {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};
type PolicyResource = {
  Properties: { PolicyDocument: { Statement: Statement[] }; Roles?: { Ref: string }[]; Topics?: unknown[] };
};

/** The statements of the IAM policies attached to roles whose logical id starts with `rolePrefix`. */
function statements(template: Template, rolePrefix: string): Statement[] {
  return (Object.values(template.findResources('AWS::IAM::Policy')) as PolicyResource[])
    .filter((policy) => policy.Properties.Roles?.some((role) => role.Ref.startsWith(rolePrefix)))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

function actionsOf(statement: Statement): string[] {
  return (Array.isArray(statement.Action) ? statement.Action : [statement.Action]).map((a) =>
    a.toLowerCase(),
  );
}

/** True when `statement` allows the CloudWatch service `action`, only for this account's own alarms. */
function letsOwnAlarms(statement: Statement, action: string): boolean {
  return (
    statement.Effect === 'Allow' &&
    JSON.stringify(statement.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }) &&
    actionsOf(statement).includes(action.toLowerCase()) &&
    /^("\d{12}"|\{"Ref":"AWS::AccountId"\})$/.test(
      JSON.stringify(statement.Condition?.StringEquals?.['aws:SourceAccount']),
    ) &&
    /:cloudwatch:.*:alarm:\*/.test(JSON.stringify(statement.Condition?.ArnLike?.['aws:SourceArn']))
  );
}

/** Each index of the table: name, keys and projection. */
function indexesOf(template: Template): string[][] {
  const table = Object.values(template.findResources('AWS::DynamoDB::Table'))[0] as {
    Properties: {
      GlobalSecondaryIndexes: {
        IndexName: string;
        KeySchema: { AttributeName: string }[];
        Projection: { ProjectionType: string };
      }[];
    };
  };
  return table.Properties.GlobalSecondaryIndexes.map((i) => [
    i.IndexName,
    ...i.KeySchema.map((k) => k.AttributeName),
    i.Projection.ProjectionType,
  ]);
}

describe('Ec2TrailStack', () => {
  let template: Template;
  beforeAll(() => {
    ({ template } = synthesize({
      alertEmails: ['ops@example.com'],
      alertPhones: ['+15551234567'],
      retentionDays: 400,
    }));
  });

  it('takes no inventory unless the config asks (test/infra/inventory.test.ts)', () => {
    expect(
      Object.keys(template.findResources('AWS::Lambda::Function')).some((id) => id.startsWith('Inventory')),
    ).toBe(false);
  });

  it('matches exactly the CloudTrail lifecycle calls on the default bus', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.absent(),
      State: 'ENABLED',
      EventPattern: {
        source: ['aws.ec2', 'aws.ec2-instance-connect'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['ec2-instance-connect.amazonaws.com', 'ec2.amazonaws.com'],
          eventName: [
            'RebootInstances',
            'RunInstances',
            'SendSSHPublicKey',
            'StartInstances',
            'StopInstances',
            'TerminateInstances',
          ],
        },
      },
    });
  });

  it('limits the pattern to the configured actions', () => {
    const { template: narrow } = synthesize({ actions: ['launch', 'stop', 'terminate'] });
    narrow.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ec2'],
        detail: {
          eventSource: ['ec2.amazonaws.com'],
          eventName: ['RunInstances', 'StopInstances', 'TerminateInstances'],
        },
      },
    });
  });

  it('targets the function with a retry policy and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AttributorFunction'), 'Arn'] },
          RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeadLettersQueue'), 'Arn'] } },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeadLettersQueue'), 'Arn'] } },
      },
    });
  });

  it('runs the function on the latest Node.js runtime on ARM64 with a validated environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
      Environment: {
        Variables: Match.objectLike({
          TABLE_NAME: { Ref: Match.stringLikeRegexp('^AttributionTable') },
          TOPIC_ARN: { Ref: Match.stringLikeRegexp('^AlertsTopic') },
          RETENTION_DAYS: '400',
          NODE_OPTIONS: '--enable-source-maps',
        }),
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it('keeps the table safe: on-demand, encrypted, PITR, deletion protection, retained, TTL', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        KeySchema: [
          { AttributeName: 'instanceId', KeyType: 'HASH' },
          { AttributeName: 'eventTimeId', KeyType: 'RANGE' },
        ],
      }),
    });
    expect(indexesOf(template)).toEqual([
      ['byPerson', 'person', 'eventTimeId', 'INCLUDE'],
      ['byDate', 'date', 'accountRegionTime', 'INCLUDE'],
    ]);
  });

  it('moves a deployed table one index per deploy: two added, then the four legacy ones removed', () => {
    // CloudFormation adds or removes one global secondary index per update (docs/table-move.md).
    const legacy = [
      ['byActorArn', 'actorArn', 'eventTimeId', 'ALL'],
      ['byActorName', 'actorName', 'eventTimeId', 'ALL'],
      ['byDay', 'eventDay', 'accountRegionTime', 'ALL'],
      ['byInitiatorName', 'initiatorName', 'eventTimeId', 'ALL'],
    ];
    const byPerson = ['byPerson', 'person', 'eventTimeId', 'INCLUDE'];
    const byDate = ['byDate', 'date', 'accountRegionTime', 'INCLUDE'];
    const at = (step: number) => indexesOf(synthesize({ tableMove: { step } }).template);
    const steps = [1, 2, 3, 4, 5, 6].map(at);
    expect(steps[0]).toEqual([...legacy, byPerson]);
    expect(steps[1]).toEqual([...legacy, byPerson, byDate]);
    expect(steps[2]).toEqual([legacy[1], legacy[2], legacy[3], byPerson, byDate]);
    expect(steps[5]).toEqual([byPerson, byDate]);
    // From each step to the next, and from none to step 1's deploy of an earlier table, one change.
    const names = (list: unknown[][]) => new Set(list.map((index) => index[0]));
    const before = names(legacy);
    for (const [i, step] of steps.entries()) {
      const previous = i === 0 ? before : names(steps[i - 1] ?? []);
      const now = names(step);
      const changed =
        [...now].filter((n) => !previous.has(n)).length + [...previous].filter((n) => !now.has(n)).length;
      expect({ step: i + 1, changed }).toEqual({ step: i + 1, changed: 1 });
    }
    // Steps 1 and 2 write the legacy keys too, so every index the table has finds new rows.
    const envOf = (step: number) =>
      JSON.stringify(synthesize({ tableMove: { step } }).template.findResources('AWS::Lambda::Function'));
    expect(envOf(2)).toContain('"ROW_KEYS":"with-legacy"');
    expect(envOf(3)).not.toContain('ROW_KEYS');
  });

  it('encrypts the topic with a rotated key and refuses plain HTTP', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlertsKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
    });
  });

  it('watches the trail itself with a second rule, unless switched off', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudtrail'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['cloudtrail.amazonaws.com'],
          eventName: ['DeleteTrail', 'PutEventSelectors', 'StopLogging', 'UpdateTrail'],
        },
      },
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AttributorFunction'), 'Arn'] } }),
      ],
    });
    // The lifecycle rule and the service-change rule remain.
    synthesize({ watchTrail: false }).template.resourceCountIs('AWS::Events::Rule', 2);
  });

  it('alarms on errors, throttles, dead letters, event age, failed deliveries and relay failures, with a severity each', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as {
      Properties: { MetricName: string; Namespace: string; AlarmDescription: string };
    }[];
    expect(
      alarms
        .map(
          (a) =>
            // ec2trail's own metrics are alarmed through metric math: their name is inside.
            `${a.Properties.Namespace ?? 'ec2trail'}/${a.Properties.MetricName ?? /"MetricName":"(\w+)"/.exec(JSON.stringify(a.Properties))?.[1]} ${/\[(\w+)\]/.exec(a.Properties.AlarmDescription)?.[1]}`,
        )
        .sort(),
    ).toEqual([
      'AWS/Events/FailedInvocations critical',
      'AWS/Events/FailedInvocations critical',
      'AWS/Events/FailedInvocations critical',
      'AWS/Lambda/AsyncEventAge warning',
      'AWS/Lambda/Errors warning',
      'AWS/Lambda/Throttles warning',
      'AWS/SQS/ApproximateNumberOfMessagesVisible critical',
      'AWS/SQS/ApproximateNumberOfMessagesVisible critical',
      'ec2trail/ViolationEventFailures warning',
    ]);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const dashboard = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    for (const metric of ['EventsProcessed', 'RecordsWritten', 'AlertsPublished', 'Errors', 'Duration'])
      expect(dashboard).toContain(metric);
  });

  it("targets only topics that this account's alarms may publish to, through the topic and key policies", () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as {
      Properties: { AlarmActions: { Ref: string }[] };
    }[];
    const topics = template.findResources('AWS::SNS::Topic') as Record<
      string,
      { Properties: { KmsMasterKeyId?: { 'Fn::GetAtt': [string, string] } } }
    >;
    const topicPolicies = Object.values(template.findResources('AWS::SNS::TopicPolicy')) as PolicyResource[];
    const keys = template.findResources('AWS::KMS::Key') as Record<
      string,
      { Properties: { KeyPolicy: { Statement: Statement[] } } }
    >;
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions.length).toBeGreaterThan(0);
      for (const action of alarm.Properties.AlarmActions) {
        const topic = topics[action.Ref];
        expect(topic).toBeDefined();
        const policy = topicPolicies.find((p) =>
          JSON.stringify(p.Properties.Topics).includes(`"${action.Ref}"`),
        );
        expect(policy?.Properties.PolicyDocument.Statement.some((s) => letsOwnAlarms(s, 'sns:Publish'))).toBe(
          true,
        );
        const keyId = topic?.Properties.KmsMasterKeyId?.['Fn::GetAtt'][0];
        const key = keyId ? keys[keyId] : undefined;
        expect(key).toBeDefined();
        const keyStatements = key?.Properties.KeyPolicy.Statement ?? [];
        expect(keyStatements.some((s) => letsOwnAlarms(s, 'kms:GenerateDataKey*'))).toBe(true);
        expect(keyStatements.some((s) => letsOwnAlarms(s, 'kms:Decrypt'))).toBe(true);
      }
    }
  });

  it('relays alarms to the alert topic through a function that may only publish there', () => {
    const actions = statements(template, 'AlarmRelayRole').flatMap(actionsOf).sort();
    expect(actions).toEqual([
      'kms:decrypt',
      'kms:generatedatakey*',
      'logs:createlogstream',
      'logs:putlogevents',
      'sns:publish',
      'sqs:getqueueattributes',
      'sqs:getqueueurl',
      'sqs:sendmessage',
    ]);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: Match.stringLikeRegexp('^AlarmRelayTopic') },
    });
  });

  it('exposes nothing publicly', () => {
    for (const type of ['AWS::SNS::TopicPolicy', 'AWS::SQS::QueuePolicy']) {
      for (const resource of Object.values(template.findResources(type)) as {
        Properties: { PolicyDocument: { Statement: { Effect: string; Principal: unknown }[] } };
      }[]) {
        for (const statement of resource.Properties.PolicyDocument.Statement) {
          if (statement.Effect === 'Allow')
            expect(JSON.stringify(statement.Principal)).not.toMatch(/"\*"|^"\*"$/);
        }
      }
    }
  });

  it('subscribes email from warning and SMS from critical severity by default', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      FilterPolicy: { severity: ['warning', 'critical'] },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sms',
      Endpoint: '+15551234567',
      // A late alert (the attribute `late` present) is never texted: SNS's exists:false matcher.
      FilterPolicy: { severity: ['critical'], late: [{ exists: false }] },
    });
  });

  it('sets the subscription filters from smsMinSeverity and emailMinSeverity', () => {
    const { template: chatty } = synthesize({
      alertEmails: ['a@example.com'],
      alertPhones: ['+15551234567'],
      smsMinSeverity: 'warning',
      emailMinSeverity: 'info',
    });
    chatty.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sms',
      FilterPolicy: { severity: ['warning', 'critical'], late: [{ exists: false }] },
    });
    chatty.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      FilterPolicy: { severity: ['info', 'warning', 'critical'] },
    });
  });

  it('ships a changed policy as new function code', () => {
    const codeOf = (t: Template) =>
      JSON.stringify(
        (Object.values(t.findResources('AWS::Lambda::Function'))[0] as { Properties: { Code: unknown } })
          .Properties.Code,
      );
    const dir = mkdtempSync(join(tmpdir(), 'ec2trail-policy-'));
    const file = join(dir, 'policy.json');
    writeFileSync(file, JSON.stringify({ rules: { rootUser: {} } }));
    expect(codeOf(synthesize({ policyFile: file }).template)).not.toEqual(codeOf(template));
  });

  it('refuses to synthesize with an invalid policy file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ec2trail-policy-'));
    const file = join(dir, 'policy.json');
    writeFileSync(file, JSON.stringify({ rules: { rootUser: { severity: 'loud' } } }));
    expect(() => synthesize({ policyFile: file })).toThrow(/rules\.rootUser\.severity/);
  });

  it('grants the function only its log group, table rows, topic, key, dead-letter queue and the default bus', () => {
    const all = statements(template, 'AttributorRole');
    const actions = all.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
    expect(actions).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'dynamodb:UpdateItem',
      'events:PutEvents',
      'kms:Decrypt',
      'kms:GenerateDataKey*',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sns:Publish',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    expect(actions.some((a) => a === '*' || a.endsWith(':*'))).toBe(false);
    for (const statement of all) {
      expect(statement.Effect).toBe('Allow');
      expect(JSON.stringify(statement.Resource)).not.toBe('"*"');
    }
    // The attribution function's role and the alarm relay's, neither with a managed policy.
    template.resourceCountIs('AWS::IAM::Role', 2);
    for (const role of Object.values(template.findResources('AWS::IAM::Role')) as {
      Properties: { ManagedPolicyArns?: unknown };
    }[])
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('lets the function delete only alert markers and launch counts, and change only the link fields of an attribution row', () => {
    const mutations = statements(template, 'AttributorRole').filter((s) =>
      actionsOf(s).some((a) => a === 'dynamodb:updateitem' || a === 'dynamodb:deleteitem'),
    );
    expect(mutations).toHaveLength(2);
    expect(mutations[0]?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['alert#*', 'quota#*'] },
    });
    // Links filled in late: UpdateItem only, only the key and the six link attributes (listed here by hand).
    expect(mutations[1] && actionsOf(mutations[1])).toEqual(['dynamodb:updateitem']);
    expect(mutations[1]?.Condition).toEqual({
      'ForAllValues:StringEquals': {
        'dynamodb:Attributes': [
          'instanceId',
          'eventTimeId',
          'via',
          'initiator',
          'initiatorReason',
          'lineage',
          'linkSort',
          'person',
        ],
      },
    });
    // The key prefixes the condition names are the ones the ledger and the quota counts write.
    expect(alertKey('e-1').instanceId).toMatch(/^alert#/);
    expect(quotaMinuteKey('person:alice', 0).instanceId).toMatch(/^quota#/);
  });

  it('exports the table name, topic ARN, rule name and DLQ URL', () => {
    for (const name of ['AttributionTableName', 'AlertTopicArn', 'LifecycleRuleName', 'DeadLetterQueueUrl']) {
      expect(Object.keys(template.findOutputs(name))).toEqual([name]);
    }
  });

  it('passes cdk-nag AwsSolutions with no unacknowledged findings', () => {
    const fresh = bareApp({ prefix: 'ec2trail-nag-' });
    buildApp(fresh, testConfig());
    expect(() => fresh.synth()).not.toThrow();
  });

  it('would fail synthesis on a cdk-nag finding, so the check above can fail', () => {
    const other = bareApp({ prefix: 'ec2trail-nag-' });
    buildApp(other, testConfig());
    new Topic(new Stack(other, 'Insecure'), 'PlainTopic');
    expect(() => other.synth()).toThrow(/AwsSolutions-SNS3/);
  });
});
