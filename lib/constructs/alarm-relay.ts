import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { environmentOf } from '../../lambda/settings/functions';
import { ALARM_RELAY_ENTRY, bundlingOptions } from '../lambda-bundling';
import { DeadLetterQueue } from './dead-letter-queue';

/** Where relayed alarms go, and how the relay is kept. */
export interface AlarmRelayProps {
  /** The alert topic people subscribe to; relayed alarms are published there with a severity. */
  readonly alertTopic: ITopic;
  /** The customer-managed key of the alert topic; the alarm topic is encrypted with it too. */
  readonly key: Key;
  /** How long to keep the relay's logs. */
  readonly logRetention: RetentionDays;
}

/**
 * Where CloudWatch alarms notify: an encrypted topic that only this account's alarms may publish
 * to, and a small function that re-publishes each notification on the alert topic with a
 * `severity` attribute (alarm actions cannot set message attributes), so subscription filters
 * treat alarms like alerts.
 */
export class AlarmRelay extends Construct {
  /** The topic alarm actions target. */
  public readonly alarmTopic: Topic;
  public readonly function: NodejsFunction;
  public readonly deadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: AlarmRelayProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const cloudwatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    // Confused-deputy guard: only alarms of this account and region may use the topic and its key.
    const fromOwnAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*`,
      },
    };

    this.alarmTopic = new Topic(this, 'Topic', {
      displayName: 'ec2trail alarms',
      masterKey: props.key,
      enforceSSL: true,
    });
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [cloudwatch],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: fromOwnAlarms,
      }),
    );
    props.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsUseKey',
        principals: [cloudwatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromOwnAlarms,
      }),
    );

    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'ec2trail alarm relay',
    });
    logGroup.grantWrite(role);
    this.deadLetterQueue = new DeadLetterQueue(this, 'Failures');
    this.function = new NodejsFunction(this, 'Function', {
      entry: ALARM_RELAY_ENTRY,
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 128,
      timeout: Duration.seconds(10),
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        ...environmentOf('alarmRelay', { TOPIC_ARN: props.alertTopic.topicArn }),
        NODE_OPTIONS: '--enable-source-maps',
      },
      retryAttempts: 2,
      onFailure: new SqsDestination(this.deadLetterQueue.queue),
      bundling: bundlingOptions(),
    });
    props.alertTopic.grantPublish(this.function);
    this.alarmTopic.addSubscription(new LambdaSubscription(this.function));

    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'SNS needs kms:GenerateDataKey* on the topic key to encrypt a published message; the statement is scoped to that one key.',
    });
  }
}
