import { CfnElement, Duration, Names, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { GraphWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { Policy } from '../../../lambda/domain/policy/schema';
import {
  ACK_TAG,
  DEADLINE_TAG,
  type RemediationSettings,
  VIOLATION_TAG,
} from '../../../lambda/domain/remediation/settings';
import { ALERT_PREFIX } from '../../../lambda/schema/attribution-table';
import { buildDefines } from '../../../lambda/settings/build';
import { environmentOf } from '../../../lambda/settings/functions';
import { METRIC } from '../../../lambda/telemetry';
import { DeadLetterQueue } from '../../constructs/dead-letter-queue';
import { bundlingOptions, REMEDIATION_ENTRY } from '../../lambda-bundling';
import { type AlarmSpec, appMetric, backlogOf, PERIOD } from '../../monitoring/alarms';

/** What the deadline path acts on, and where it records and alerts. */
export interface RemediationProps {
  /** The validated policy: its `remediation` says what may be done. */
  readonly policy: Policy;
  /** Its compiled remediation settings, in enforce mode with at least one rule. */
  readonly settings: RemediationSettings;
  readonly table: ITable;
  readonly topic: ITopic;
  readonly logRetention: RetentionDays;
  /** The regions whose instances may be tagged and stopped. */
  readonly regions: readonly string[];
  /** Chat channels subscribe to the topic: the deadline alert carries the chat notification too. @default false */
  readonly chatNotifications?: boolean;
  /** Rows carry the legacy indexes' keys too (steps 1 and 2 of a table move). @default false */
  readonly legacyKeys?: boolean;
}

/** cdk-nag's name for an unresolved ARN, as it reports the finding. */
function literal(arn: string): string {
  return Token.isUnresolved(arn)
    ? arn
        .replace(/\$\{Token\[AWS\.Partition\.\d+\]\}/g, '<AWS::Partition>')
        .replace(/\$\{Token\[AWS\.AccountId\.\d+\]\}/g, '<AWS::AccountId>')
        .replace(/\$\{Token\[AWS\.Region\.\d+\]\}/g, '<AWS::Region>')
    : arn;
}

/** Rows (put only, with a condition on the key), the alert ledger's markers, and the topic. */
function grantRecordingAndAlerts(role: Role, props: RemediationProps): void {
  role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['dynamodb:PutItem', 'dynamodb:GetItem'],
      resources: [props.table.tableArn],
    }),
  );
  role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      resources: [props.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${ALERT_PREFIX}*`] } },
    }),
  );
  props.topic.grantPublish(role);
}

/**
 * StopInstances on marked instances only, denied on acknowledged and protected ones: the decision
 * in code is checked again by IAM.
 */
function grantStopping(role: Role, instanceArns: string[], settings: RemediationSettings): void {
  // DescribeInstances has no resource-level permissions: AWS documents "*" as its only resource.
  role.addToPrincipalPolicy(new PolicyStatement({ actions: ['ec2:DescribeInstances'], resources: ['*'] }));
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'StopMarkedInstances',
      actions: ['ec2:StopInstances'],
      resources: instanceArns,
      conditions: { Null: { [`aws:ResourceTag/${VIOLATION_TAG}`]: 'false' } },
    }),
  );
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'NeverStopAcknowledged',
      effect: Effect.DENY,
      actions: ['ec2:StopInstances'],
      resources: instanceArns,
      conditions: { Null: { [`aws:ResourceTag/${ACK_TAG}`]: 'false' } },
    }),
  );
  settings.protectedTagGlobs.forEach(([key, glob], index) => {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: `NeverStopProtected${index}`,
        effect: Effect.DENY,
        actions: ['ec2:StopInstances'],
        resources: instanceArns,
        conditions: { StringLike: { [`aws:ResourceTag/${key}`]: glob } },
      }),
    );
  });
}

/**
 * The deadline path of remediation in enforce mode: a schedule group for the one-time stop
 * schedules, the role Scheduler uses to call the remediation function, the function itself (it
 * may stop only instances that carry the violation tag and lack the acknowledgement and the
 * protected tags), and a dead-letter queue for deadlines whose call kept failing.
 */
export class Remediation extends Construct {
  public readonly scheduleGroup: CfnScheduleGroup;
  public readonly function: NodejsFunction;
  public readonly schedulerRole: Role;
  public readonly deadLetters: DeadLetterQueue;
  /** The ARN of the schedules in the group (`schedule/<group>/*`). */
  public readonly schedulesArn: string;
  private readonly instanceArns: string[];
  /** The watched regions, where remediation acts. */
  private readonly regions: string[];

  constructor(scope: Construct, id: string, props: RemediationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // A name known at synth (unique to this stack and construct), so the grants can name its schedules.
    const groupName = Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });
    this.scheduleGroup = new CfnScheduleGroup(this, 'Schedules', { name: groupName });
    this.schedulesArn = stack.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${groupName}/*`,
    });
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters');
    const { role, logGroup } = this.functionRole(props.logRetention);
    this.function = this.remediationFunction(props, role, logGroup);
    grantRecordingAndAlerts(role, props);
    this.regions = [...props.regions];
    this.instanceArns = props.regions.map((region) =>
      stack.formatArn({ service: 'ec2', region, resource: 'instance', resourceName: '*' }),
    );
    grantStopping(role, this.instanceArns, props.settings);
    this.schedulerRole = this.schedulerRoleOf(stack);
    this.acknowledge(role, stack);
  }

  /** The function's log group and a role of its own that may write only there. */
  private functionRole(logRetention: RetentionDays): { role: Role; logGroup: LogGroup } {
    const logGroup = new LogGroup(this, 'Logs', {
      retention: logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'ec2trail remediation function: stops marked instances at their deadline',
    });
    logGroup.grantWrite(role);
    return { role, logGroup };
  }

  private remediationFunction(props: RemediationProps, role: Role, logGroup: LogGroup): NodejsFunction {
    return new NodejsFunction(this, 'Function', {
      entry: REMEDIATION_ENTRY,
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(60),
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        ...environmentOf('remediation', {
          TABLE_NAME: props.table.tableName,
          TOPIC_ARN: props.topic.topicArn,
          HOME_ACCOUNT: Stack.of(this).account,
          ...(props.chatNotifications ? { CHAT_NOTIFICATIONS: 'custom' } : {}),
          ...(props.legacyKeys ? { ROW_KEYS: 'with-legacy' } : {}),
        }),
        POWERTOOLS_SERVICE_NAME: 'ec2trail-remediation',
        POWERTOOLS_METRICS_NAMESPACE: 'ec2trail',
        NODE_OPTIONS: '--enable-source-maps',
      },
      // Its code reads the policy and no feature's constant.
      bundling: bundlingOptions(buildDefines({ policy: props.policy })),
    });
  }

  /** The role Scheduler calls the function with at a deadline, and sends failed calls to the queue with. */
  private schedulerRoleOf(stack: Stack): Role {
    const role = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'EventBridge Scheduler: calls the ec2trail remediation function at a deadline',
    });
    this.function.grantInvoke(role);
    // A deadline whose call kept failing goes here: SendMessage only, not grantSendMessages' reads.
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetters.queue.queueArn] }),
    );
    return role;
  }

  /** cdk-nag's findings on the two roles, each with why it is as narrow as AWS allows. */
  private acknowledge(role: Role, stack: Stack): void {
    const reason =
      'The instances launched at any time, whose ids are not known at deploy; StopInstances needs the ec2trail:violation tag and is denied on acknowledged and protected instances.';
    for (const arn of this.instanceArns)
      Validations.of(role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${literal(arn)}]`,
        reason,
      });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'ec2:DescribeInstances supports no resource-level permission (AWS: "*" only); it reads state and tags again before each stop.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'SNS needs kms:GenerateDataKey* on the topic key to encrypt a published message; scoped to that key.',
    });
    const functionResource = this.function.node.defaultChild;
    if (functionResource instanceof CfnElement)
      Validations.of(this.schedulerRole).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${stack.getLogicalId(functionResource)}.Arn>:*]`,
        reason:
          "CDK's grantInvoke names the remediation function and its versions; nothing else can be invoked.",
      });
  }

  /**
   * Lets the attribution function schedule stops and mark instances: CreateSchedule and
   * GetSchedule in this group only, PassRole of the scheduler role to Scheduler only, and
   * CreateTags of the violation and deadline tags on instances only.
   */
  grantScheduling(role: IRole): void {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ScheduleStops',
        actions: ['scheduler:CreateSchedule', 'scheduler:GetSchedule'],
        resources: [this.schedulesArn],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'PassSchedulerRole',
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    // Before marking, EC2 must show each instance to be the launch's own (account, launch time).
    // DescribeInstances has no resource-level permission: "*", in the watched regions only.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'VerifyLaunches',
        actions: ['ec2:DescribeInstances'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:RequestedRegion': this.regions } },
      }),
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'ec2:DescribeInstances supports no resource-level permission (AWS: "*" only); limited to the watched regions, it checks each instance against its launch event before marking it.',
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'MarkViolations',
        actions: ['ec2:CreateTags'],
        resources: this.instanceArns,
        conditions: {
          'ForAllValues:StringEquals': { 'aws:TagKeys': [VIOLATION_TAG, DEADLINE_TAG] },
          Null: { 'aws:TagKeys': 'false' },
        },
      }),
    );
    Validations.of(role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${literal(this.schedulesArn)}]`,
      reason:
        'One schedule per violating launch, named when it happens; limited to the ec2trail schedule group.',
    });
    for (const arn of this.instanceArns)
      Validations.of(role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${literal(arn)}]`,
        reason:
          'Instances launched at any time; CreateTags is limited to the ec2trail:violation and ec2trail:deadline keys (and, with owner tags, to their keys).',
      });
  }
}

/** Remediation's alarms: a step that failed, a deadline that failed, one that could not run at all. */
export function remediationAlarms(remediation: Remediation): AlarmSpec[] {
  return [
    {
      id: 'RemediationFailures',
      severity: 'warning',
      description:
        'a remediation step failed (tag, schedule, describe, stop or row): what was not done is said in the alert and the logs',
      metric: appMetric(METRIC.remediationFailures, 'remediation failures'),
    },
    {
      id: 'RemediationFunctionErrors',
      severity: 'warning',
      description: 'the remediation function failed at a deadline; Scheduler retries it',
      metric: remediation.function.metricErrors({ period: PERIOD }),
    },
    {
      id: 'RemediationDeadLetters',
      severity: 'critical',
      description:
        'a deadline could not be run after its retries: those instances were not judged; see the remediation dead-letter queue',
      metric: backlogOf(remediation.deadLetters.queue),
    },
  ];
}

/** Remediation on the dashboard: instances marked, stops scheduled and done, failures. */
export function remediationWidget(): GraphWidget {
  return new GraphWidget({
    title: 'Remediation',
    left: [
      appMetric(METRIC.instancesRemediationTagged, 'instances marked'),
      appMetric(METRIC.stopsScheduled, 'stops scheduled'),
      appMetric(METRIC.instancesStopped, 'instances stopped'),
      appMetric(METRIC.remediationFailures, 'failures'),
    ],
    width: 24,
  });
}
