import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { CfnEventBusPolicy } from 'aws-cdk-lib/aws-events';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Policy } from '../../../lambda/domain/policy/schema';
import { logsFolder } from '../../../lambda/domain/trail-log-key';
import type { Ec2TrailConfig } from '../../config';
import { STACK_OUTPUTS } from '../../stack-outputs';
import type { LaunchActions } from '../feature';
import { TrailBackfill } from './trail-backfill';
import { TrailBucketEvents } from './trail-bucket-events';
import { TRAIL_FILE_TIMEOUT, TrailFileFunction } from './trail-file-function';
import { TrailFileQueue } from './trail-file-queue';
import { TrailLogRule } from './trail-log-rule';
import { TrailPathMonitoring } from './trail-path-monitoring';

/** The config's `trail`: the bucket, its prefix, account and region, and the backfill. */
export type TrailConfig = NonNullable<Ec2TrailConfig['trail']>;

/** The trail to read, and the pieces of the home stack the trail path records through. */
export interface TrailPathProps {
  /** The trail's log files. */
  readonly trail: TrailConfig;
  /** The home account, when the config names it. @default undefined: the stack's */
  readonly homeAccount?: string | undefined;
  /** The home region, when the config names it. @default undefined: the stack's */
  readonly homeRegion?: string | undefined;
  /** The home stack's name, for the role names a log-archive bucket policy must know. */
  readonly stackName: string;
  /** The attribution table. */
  readonly table: ITable;
  /** The alert topic. */
  readonly topic: ITopic;
  /** Where EventBridge puts what it could not deliver to the queue. */
  readonly deadLetterQueue: IQueue;
  /** The validated launch policy. */
  readonly policy: Policy;
  /** How long to keep the functions' logs. */
  readonly logRetention: RetentionDays;
  /** Days to keep rows (DynamoDB TTL). @default undefined: keep forever */
  readonly retentionDays?: number | undefined;
  /** Rows carry the legacy indexes' keys too (steps 1 and 2 of a table move). @default false */
  readonly legacyKeys?: boolean;
  /** The home dashboard, which the trail path's widgets join. */
  readonly dashboard: Dashboard;
  /** Where the trail path's alarms notify (the alarm relay's topic). */
  readonly alarmTopic: ITopic;
  /** The features' parts: the trail-file function acts on recovered launches as the live one does. @default none */
  readonly launchActions?: LaunchActions | undefined;
}

/** Role names a bucket policy in the log-archive account can name before the roles exist. */
export function trailRoleNames(stackName: string, homeRegion: string): { reader: string; backfill: string } {
  const base = stackName.slice(0, 30);
  return { reader: `${base}-TrailReader-${homeRegion}`, backfill: `${base}-Backfill-${homeRegion}` };
}

/** Whether the bucket is in another account or region than the home stack: then a log-archive stack forwards its events. */
export function trailIsRemote(trail: TrailConfig, homeAccount?: string, homeRegion?: string): boolean {
  return (
    (trail.account !== undefined && trail.account !== homeAccount) ||
    (trail.region !== undefined && trail.region !== homeRegion)
  );
}

/**
 * The second path, from the trail's log files in S3: S3's "Object Created" events (from this
 * account's bucket, or forwarded from a log-archive account) → a queue with a dead-letter queue →
 * the trail-file function, which records what EventBridge never delivered. With `backfill`, the
 * Distributed Map state machine that reads the bucket's history through the same function.
 */
export class TrailPath extends Construct {
  public readonly files: TrailFileQueue;
  public readonly reader: TrailFileFunction;
  public readonly rule: TrailLogRule;
  public readonly backfill?: TrailBackfill;
  public readonly monitoring: TrailPathMonitoring;

  constructor(scope: Construct, id: string, props: TrailPathProps) {
    super(scope, id);
    const { trail } = props;
    const stack = Stack.of(this);
    const bucketAccount = trail.account ?? stack.account;
    const bucketRegion = trail.region ?? stack.region;
    const remote = trailIsRemote(trail, props.homeAccount, props.homeRegion);
    const crossAccount = trail.account !== undefined && trail.account !== props.homeAccount;
    const roleNames =
      crossAccount && props.homeRegion ? trailRoleNames(props.stackName, props.homeRegion) : null;

    this.files = new TrailFileQueue(this, 'Files', { readerTimeout: TRAIL_FILE_TIMEOUT });
    this.reader = new TrailFileFunction(this, 'Reader', {
      table: props.table,
      topic: props.topic,
      queue: this.files.queue,
      trail,
      bucketRegion,
      kmsKeyArn: trail.kmsKeyArn,
      logRetention: props.logRetention,
      retentionDays: props.retentionDays,
      ...(props.legacyKeys ? { legacyKeys: true } : {}),
      policy: props.policy,
      roleName: roleNames?.reader,
      launchActions: props.launchActions,
    });
    this.rule = new TrailLogRule(this, 'NewLogFiles', {
      trail,
      bucketAccount,
      queue: this.files.queue,
      deadLetterQueue: props.deadLetterQueue,
    });

    if (!remote) new TrailBucketEvents(this, 'BucketEvents', { bucketName: trail.bucket });
    if (crossAccount && trail.account) this.allowLogArchive(trail.account);
    if (trail.backfill)
      this.backfill = this.backfillOf(trail, trail.backfill, {
        bucketAccount,
        bucketRegion,
        logRetention: props.logRetention,
        roleName: roleNames?.backfill,
      });
    this.monitoring = new TrailPathMonitoring(this, 'Monitoring', {
      reader: this.reader.function,
      queue: this.files.queue,
      deadLetterQueue: this.files.deadLetters.queue,
      backfill: this.backfill?.stateMachine,
      dashboard: props.dashboard,
      topic: props.alarmTopic,
    });

    this.outputs(trail);
  }

  /** The log-archive account may put S3's object events on this bus, and nothing else. */
  private allowLogArchive(account: string): void {
    const stack = Stack.of(this);
    new CfnEventBusPolicy(this, 'LogArchiveBusPolicy', {
      statementId: 'Ec2TrailLogArchiveObjectEvents',
      eventBusName: 'default',
      statement: {
        Sid: 'Ec2TrailLogArchiveObjectEvents',
        Effect: 'Allow',
        Principal: { AWS: `arn:${stack.partition}:iam::${account}:root` },
        Action: 'events:PutEvents',
        Resource: stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' }),
        Condition: { StringEquals: { 'events:source': 'aws.s3', 'events:detail-type': 'Object Created' } },
      },
    });
  }

  private backfillOf(
    trail: TrailPathProps['trail'],
    backfill: NonNullable<TrailPathProps['trail']['backfill']>,
    where: {
      readonly bucketAccount: string;
      readonly bucketRegion: string;
      readonly logRetention: TrailPathProps['logRetention'];
      readonly roleName: string | undefined;
    },
  ): TrailBackfill {
    return new TrailBackfill(this, 'Backfill', {
      trailBucket: Bucket.fromBucketAttributes(this, 'TrailBucket', {
        bucketName: trail.bucket,
        account: where.bucketAccount,
        region: where.bucketRegion,
      }),
      reader: this.reader.function,
      maxConcurrency: backfill.maxConcurrency,
      filesPerBatch: backfill.filesPerBatch,
      toleratedFailurePercentage: backfill.toleratedFailurePercentage,
      logRetention: where.logRetention,
      roleName: where.roleName,
    });
  }

  /** The outputs the CLI's drain and backfill read. */
  private outputs(trail: TrailPathProps['trail']): void {
    const stack = Stack.of(this);
    new CfnOutput(stack, STACK_OUTPUTS.trailLocation, {
      value: `s3://${trail.bucket}/${logsFolder(trail.prefix ?? '')}`,
      description: "The trail's log files, read as a second path",
    });
    new CfnOutput(stack, STACK_OUTPUTS.trailFileQueueUrl, {
      value: this.files.queue.queueUrl,
      description: 'New trail log files waiting to be read',
    });
    new CfnOutput(stack, STACK_OUTPUTS.trailDeadLetterQueueUrl, {
      value: this.files.deadLetters.queue.queueUrl,
      description: 'Trail log files that could not be read after five tries',
    });
    new CfnOutput(stack, STACK_OUTPUTS.trailLogRuleName, {
      value: this.rule.rule.ruleName,
      description: 'EventBridge rule of new trail log files',
    });
    if (this.backfill) {
      new CfnOutput(stack, STACK_OUTPUTS.backfillStateMachineArn, {
        value: this.backfill.stateMachine.stateMachineArn,
        description: 'Backfill state machine (Distributed Map over the trail bucket)',
      });
      new CfnOutput(stack, STACK_OUTPUTS.backfillResultsBucket, {
        value: this.backfill.results.bucketName,
        description: "Backfill map runs' reports of failed batches",
      });
    }
  }
}
