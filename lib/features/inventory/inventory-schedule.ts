import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { INVENTORY_METRIC } from '../../../lambda/inventory/handler';
import { ATTRIBUTION_TABLE } from '../../../lambda/schema/attribution-table';
import { LINK_ATTRIBUTES } from '../../../lambda/schema/lineage-items';
import { environmentOf } from '../../../lambda/settings/functions';
import { METRICS_NAMESPACE } from '../../../lambda/telemetry';
import type { InventoryConfig } from '../../config';
import { cronAt } from '../../constructs/cron';
import { DeadLetterQueue } from '../../constructs/dead-letter-queue';
import { bundlingOptions, INVENTORY_ENTRY } from '../../lambda-bundling';
import { type AlarmSpec, backlogOf } from '../../monitoring/alarms';
import { MEMBER_INVENTORY_ROLE } from './member-reader-role';

/** What the inventory lists, where it records, and which trail it may read. */
export interface InventoryScheduleProps {
  readonly inventory: InventoryConfig;
  readonly table: ITable;
  /** The tag keys that hold the person (the deploy's owner tags of source `person`). */
  readonly personTagKeys: readonly string[];
  /** Days to keep the rows it records. @default forever */
  readonly retentionDays?: number;
  /** Rows carry the legacy indexes' keys too (steps 1 and 2 of a table move). @default false */
  readonly legacyKeys?: boolean;
  /** The trail's bucket and prefix, when the bucket is in this account. @default no trail read */
  readonly trail?: { readonly bucket: string; readonly prefix: string; readonly kmsKeyArn?: string };
  /** In an organization deploy, the organization whose member accounts are listed through their reader role. @default the home account only */
  readonly organizationId?: string;
  readonly logRetention: RetentionDays;
}

/**
 * The scheduled inventory: a function that lists every instance (DescribeInstances), names the
 * person behind each (the table, Event history, the trail's files, tags), records what it finds
 * as a backfill, saves the snapshot the digest reads and publishes coverage metrics; and one
 * daily EventBridge Scheduler schedule. It reads EC2, CloudTrail, the Price List and the trail,
 * and writes only rows that are not there, lineage links and the snapshot.
 */
export class InventorySchedule extends Construct {
  public readonly function: NodejsFunction;
  public readonly schedule: CfnSchedule;
  public readonly deadLetters: DeadLetterQueue;
  /** The trail's log files the role may read, as cdk-nag names the resource; null without a trail. */
  private trailLogs: string | null = null;

  constructor(scope: Construct, id: string, props: InventoryScheduleProps) {
    super(scope, id);
    const { role, logGroup } = this.roleOf(props);
    this.deadLetters = new DeadLetterQueue(this, 'Failures');
    const { inventory } = props;
    this.function = new NodejsFunction(this, 'Function', {
      entry: INVENTORY_ENTRY,
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      // Event history answers 2 requests a second per region: 200 unknown instances in a region take 100 s.
      timeout: Duration.minutes(15),
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        ...environmentOf('inventory', {
          TABLE_NAME: props.table.tableName,
          RETENTION_DAYS: props.retentionDays === undefined ? undefined : String(props.retentionDays),
          ROW_KEYS: props.legacyKeys ? 'with-legacy' : undefined,
          INVENTORY_REGIONS: inventory.regions?.join(','),
          FORGOTTEN_AFTER_DAYS: String(inventory.forgottenAfterDays),
          EVENT_HISTORY: inventory.eventHistory ? 'on' : 'off',
          PRICES: inventory.prices ? 'on' : 'off',
          PERSON_TAG_KEYS: props.personTagKeys.join(','),
          TRAIL_BUCKET: props.trail?.bucket,
          TRAIL_PREFIX: props.trail?.prefix,
          HOME_ACCOUNT: Stack.of(this).account,
          MEMBER_ROLE_NAME: props.organizationId ? MEMBER_INVENTORY_ROLE : undefined,
          PARTITION: props.organizationId ? Stack.of(this).partition : undefined,
        }),
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
      },
      // Scheduler invokes asynchronously: a run that fails is tried once more, then kept here.
      retryAttempts: 1,
      onFailure: new SqsDestination(this.deadLetters.queue),
      bundling: bundlingOptions(),
    });
    this.schedule = this.scheduleOf(inventory, this.schedulerRoleOf());
    this.acknowledge(role);
  }

  /** The function's log group, and a role that reads what the inventory reads and writes what it records. */
  private roleOf(props: InventoryScheduleProps): { role: Role; logGroup: LogGroup } {
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'ec2trail inventory: lists instances, reads their launches, records what it finds',
    });
    logGroup.grantWrite(role);
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ListInstancesAndPrices',
        // These calls take no resource: IAM accepts only "*" for them.
        actions: [
          'ec2:DescribeInstances',
          'ec2:DescribeRegions',
          'ec2:DescribeSpotPriceHistory',
          'cloudtrail:LookupEvents',
          'pricing:GetProducts',
        ],
        resources: ['*'],
      }),
    );
    const tableArn = props.table.tableArn;
    // Launch rows and lineage are read from the table itself (no index); rows are put only where
    // none is (the code's condition), and the snapshot is one item.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReadAndRecordRows',
        actions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem'],
        resources: [tableArn],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'LinkServiceLaunches',
        actions: ['dynamodb:UpdateItem'],
        resources: [tableArn],
        conditions: {
          'ForAllValues:StringEquals': {
            'dynamodb:Attributes': [
              ATTRIBUTION_TABLE.partitionKey,
              ATTRIBUTION_TABLE.sortKey,
              ...LINK_ATTRIBUTES,
            ],
          },
        },
      }),
    );
    if (props.trail) this.grantTrail(role, props.trail);
    if (props.organizationId) this.grantMembers(role, props.organizationId);
    return { role, logGroup };
  }

  /** The trail's log files under its prefix only: list with a prefix condition, get under AWSLogs/. */
  private grantTrail(role: Role, trail: NonNullable<InventoryScheduleProps['trail']>): void {
    const stack = Stack.of(this);
    const logs = `${trail.prefix ? `${trail.prefix}/` : ''}AWSLogs/`;
    const bucketArn = `arn:${stack.partition}:s3:::${trail.bucket}`;
    // cdk-nag names the resource as the template has it: the partition is a reference unless the stack's env fixes it.
    const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
    this.trailLogs = `arn:${partition}:s3:::${trail.bucket}/${logs}*`;
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ListTrailLogs',
        actions: ['s3:ListBucket'],
        resources: [bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${logs}*`] } },
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReadTrailLogs',
        actions: ['s3:GetObject'],
        resources: [`${bucketArn}/${logs}*`],
      }),
    );
    if (trail.kmsKeyArn)
      role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: 'DecryptTrailLogs',
          actions: ['kms:Decrypt'],
          resources: [trail.kmsKeyArn],
          conditions: {
            StringEquals: { 'kms:ViaService': `s3.${trail.kmsKeyArn.split(':')[3]}.amazonaws.com` },
          },
        }),
      );
  }

  /** The organization's accounts, and each member's reader role: only within the organization. */
  private grantMembers(role: Role, organizationId: string): void {
    const stack = Stack.of(this);
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ListAccounts',
        // ListAccounts takes no resource: IAM accepts only "*".
        actions: ['organizations:ListAccounts'],
        resources: ['*'],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'AssumeMemberReaders',
        actions: ['sts:AssumeRole'],
        resources: [`arn:${stack.partition}:iam::*:role/${MEMBER_INVENTORY_ROLE}`],
        conditions: { StringEquals: { 'aws:ResourceOrgID': organizationId } },
      }),
    );
    const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
    Validations.of(role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:${partition}:iam::*:role/${MEMBER_INVENTORY_ROLE}]`,
      reason:
        "The reader role has one name in every member account; the account is the wildcard, and aws:ResourceOrgID keeps it within the deploy's organization.",
    });
  }

  /** Scheduler's role: it may invoke the function and send a failed run to the queue. */
  private schedulerRoleOf(): Role {
    const role = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'EventBridge Scheduler: invokes the ec2trail inventory function',
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetters.queue.queueArn] }),
    );
    return role;
  }

  private scheduleOf(inventory: InventoryConfig, schedulerRole: Role): CfnSchedule {
    return new CfnSchedule(this, 'Daily', {
      description: 'ec2trail daily inventory',
      scheduleExpression: cronAt(inventory.at),
      scheduleExpressionTimezone: inventory.timeZone,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: this.function.functionArn,
        roleArn: schedulerRole.roleArn,
        input: '{}',
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3_600 },
        deadLetterConfig: { arn: this.deadLetters.queue.queueArn },
      },
    });
  }

  private acknowledge(role: Role): void {
    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'ec2:DescribeInstances, ec2:DescribeRegions, ec2:DescribeSpotPriceHistory, cloudtrail:LookupEvents, pricing:GetProducts and organizations:ListAccounts support no resource-level permissions: IAM accepts only "*" for them. They are read-only.',
    });
    if (this.trailLogs)
      Validations.of(role).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${this.trailLogs}]`,
        reason:
          "GetObject on the trail's log files under its AWSLogs/ folder only: the wildcard is the account, region, date folders and file names CloudTrail chooses.",
      });
  }
}

/** The inventory's coverage, as it publishes it once a day: the lowest value of the day. */
export function coverageMetric(): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: INVENTORY_METRIC.coverage,
    dimensionsMap: { service: 'ec2trail' },
    statistic: 'Minimum',
    period: Duration.days(1),
    label: 'instances with a person (%)',
  });
}

/** The inventory's alarms: a run that failed after its retries, and coverage below the team's threshold. */
export function inventoryAlarms(schedule: InventorySchedule, coverageBelow: number | undefined): AlarmSpec[] {
  return [
    {
      id: 'InventoryDeadLetters',
      severity: 'warning',
      description:
        'the scheduled inventory failed after its retries; see the inventory dead-letter queue and the inventory function logs',
      metric: backlogOf(schedule.deadLetters.queue),
    },
    ...(coverageBelow === undefined
      ? []
      : [
          {
            id: 'InventoryCoverageLow',
            severity: 'warning' as const,
            description: `fewer than ${coverageBelow} % of instances have a known person behind them; run "ec2trail owners" to see which and why`,
            metric: coverageMetric(),
            threshold: coverageBelow,
            below: true,
          },
        ]),
  ];
}
