import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  ATTRIBUTION_TABLE,
  INVENTORY_SNAPSHOT_KEY,
  LAYOUT_MOVED_KEY,
  LEGACY_INDEXES,
} from '../../../lambda/schema/attribution-table';
import { environmentOf } from '../../../lambda/settings/functions';
import type { DigestsConfig } from '../../config';
import { cronAt } from '../../constructs/cron';
import { DeadLetterQueue } from '../../constructs/dead-letter-queue';
import { bundlingOptions, DIGEST_ENTRY } from '../../lambda-bundling';
import { type AlarmSpec, backlogOf } from '../../monitoring/alarms';

/** When digests run, what they read, and where they go. */
export interface DigestScheduleProps {
  readonly digests: DigestsConfig;
  readonly table: ITable;
  /** The alert topic: digests go there with `kind=digest`. */
  readonly topic: ITopic;
  /** Send each person their own digest too. */
  readonly personal: boolean;
  readonly chatNotifications: boolean;
  readonly logRetention: RetentionDays;
}

/**
 * The digests: a function that reads a day or a week of the table and publishes on the alert
 * topic, and one EventBridge Scheduler schedule per period, in the team's time zone. The
 * function reads the table (Query, BatchGetItem) and publishes; nothing else.
 */
export class DigestSchedule extends Construct {
  public readonly function: NodejsFunction;
  public readonly schedules: readonly CfnSchedule[];
  public readonly deadLetters: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: DigestScheduleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { role, logGroup } = this.readerRole(props);
    this.deadLetters = new DeadLetterQueue(this, 'Failures');

    this.function = new NodejsFunction(this, 'Function', {
      entry: DIGEST_ENTRY,
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      // A week of a busy account is read into memory (a slim copy of each row).
      memorySize: 1024,
      timeout: Duration.minutes(5),
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        ...environmentOf('digest', {
          TABLE_NAME: props.table.tableName,
          TOPIC_ARN: props.topic.topicArn,
          PERSONAL_DIGESTS: props.personal ? 'on' : 'off',
          ...(props.chatNotifications ? { CHAT_NOTIFICATIONS: 'custom' } : {}),
        }),
        NODE_OPTIONS: '--enable-source-maps',
      },
      // Scheduler invokes asynchronously: Lambda retries twice, then the invocation is kept here.
      retryAttempts: 2,
      onFailure: new SqsDestination(this.deadLetters.queue),
      bundling: bundlingOptions(),
    });

    const schedulerRole = this.schedulerRoleOf(stack);
    this.schedules = this.schedulesOf(props.digests, schedulerRole);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'SNS needs kms:GenerateDataKey* on the topic key to encrypt a published message; the statement is scoped to that one key.',
    });
  }

  /** The function's log group, and a role that may read days and alert markers and publish, nothing else. */
  private readerRole(props: DigestScheduleProps): { role: Role; logGroup: LogGroup } {
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'ec2trail digest: reads the attribution table, publishes digests',
    });
    logGroup.grantWrite(role);
    // The day indexes (Query; `byDay` while a table is being moved) and rows and alert markers
    // by key (BatchGetItem): no write, no scan.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReadDaysRowsAndAlertMarkers',
        actions: ['dynamodb:Query', 'dynamodb:BatchGetItem'],
        resources: [
          `${props.table.tableArn}/index/${ATTRIBUTION_TABLE.indexes.byDate.name}`,
          `${props.table.tableArn}/index/${LEGACY_INDEXES.byDay.name}`,
          props.table.tableArn,
        ],
      }),
    );
    // The latest inventory's snapshot and the item that says a move is done: their keys, nothing else.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReadSnapshotAndLayout',
        actions: ['dynamodb:GetItem'],
        resources: [props.table.tableArn],
        conditions: {
          'ForAllValues:StringEquals': {
            'dynamodb:LeadingKeys': [
              INVENTORY_SNAPSHOT_KEY[ATTRIBUTION_TABLE.partitionKey],
              LAYOUT_MOVED_KEY[ATTRIBUTION_TABLE.partitionKey],
            ],
          },
        },
      }),
    );
    props.topic.grantPublish(role);
    return { role, logGroup };
  }

  /** Scheduler's role: it may invoke the function and send a failed run to the queue. */
  private schedulerRoleOf(stack: Stack): Role {
    const schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'EventBridge Scheduler: invokes the ec2trail digest function',
    });
    // The schedules name the unqualified function: no version or alias (`:*`) to invoke.
    schedulerRole.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }),
    );
    schedulerRole.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetters.queue.queueArn] }),
    );

    return schedulerRole;
  }

  /** One schedule per period, in the team's time zone. */
  private schedulesOf(digests: DigestScheduleProps['digests'], schedulerRole: Role): CfnSchedule[] {
    const { daily, weekly, timeZone } = digests;
    const periods = [
      ...(daily ? [{ period: 'daily', expression: cronAt(daily.at) }] : []),
      ...(weekly ? [{ period: 'weekly', expression: cronAt(weekly.at, weekly.day) }] : []),
    ];
    return periods.map(
      ({ period, expression }) =>
        new CfnSchedule(this, period === 'daily' ? 'Daily' : 'Weekly', {
          description: `ec2trail ${period} digest`,
          scheduleExpression: expression,
          scheduleExpressionTimezone: timeZone,
          flexibleTimeWindow: { mode: 'OFF' },
          state: 'ENABLED',
          target: {
            arn: this.function.functionArn,
            roleArn: schedulerRole.roleArn,
            input: JSON.stringify({ period }),
            retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3_600 },
            deadLetterConfig: { arn: this.deadLetters.queue.queueArn },
          },
        }),
    );
  }
}

/** The digests' alarm: a run that could not publish after its retries. */
export function digestAlarms(digests: DigestSchedule): AlarmSpec[] {
  return [
    {
      id: 'DigestDeadLetters',
      severity: 'warning',
      description:
        'a scheduled digest failed after its retries and was not (fully) sent; see the digest dead-letter queue and the digest function logs',
      metric: backlogOf(digests.deadLetters.queue),
    },
  ];
}
