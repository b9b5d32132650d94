import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Policy } from '../../../lambda/domain/policy/schema';
import { type BuildConstants, buildDefines } from '../../../lambda/settings/build';
import { environmentOf } from '../../../lambda/settings/functions';
import {
  grantLaunchActions,
  launchActionDefines,
  type RecordingEnvironment,
  recordingEnvironment,
} from '../../constructs/launch-actions';
import { grantRecording } from '../../constructs/recording-grants';
import { bundlingOptions, TRAIL_FILE_ENTRY } from '../../lambda-bundling';
import { logObjectsArn, type TrailLocation } from '../../trail-log-pattern';
import type { LaunchActions } from '../feature';

/** How long one invocation may read: a batch of large log files. */
export const TRAIL_FILE_TIMEOUT = Duration.minutes(5);

/** What the trail-file function reads, and where it records and alerts. */
export interface TrailFileFunctionProps {
  /** The attribution table. */
  readonly table: ITable;
  /** The alert topic. */
  readonly topic: ITopic;
  /** The queue announcing new log files. */
  readonly queue: IQueue;
  /** The trail's bucket and prefix: the function may read only its log files. */
  readonly trail: TrailLocation;
  /** The region of the trail bucket, for the KMS condition. */
  readonly bucketRegion: string;
  /** The key of SSE-KMS encrypted logs. @default undefined: no kms:Decrypt */
  readonly kmsKeyArn?: string | undefined;
  /** How long to keep the function's logs. */
  readonly logRetention: RetentionDays;
  /** Days to keep rows (DynamoDB TTL). @default undefined: keep forever */
  readonly retentionDays?: number | undefined;
  /** The validated launch policy, embedded in the bundle. */
  readonly policy: Policy;
  /** Rows carry the legacy indexes' keys too (steps 1 and 2 of a table move). @default false */
  readonly legacyKeys?: boolean;
  /** A fixed role name, when a bucket policy in another account must name the role. @default a generated name */
  readonly roleName?: string | undefined;
  /** The features' parts (lib/features/): what the function does beside the row and the alert. @default none */
  readonly launchActions?: LaunchActions | undefined;
}

/**
 * The trail-file function: reads new log files announced on the queue (and backfill batches) and
 * records their events through the same pipeline as the attribution function. It may read only
 * the trail's log objects and decrypt only through S3, and records with the same rights as the
 * attribution function.
 */
export class TrailFileFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly role: Role;
  /** The settings in the function's environment, as its schema types them. */
  public readonly settings: RecordingEnvironment;
  /** What the function's bundle is built with. */
  public readonly build: BuildConstants;

  constructor(scope: Construct, id: string, props: TrailFileFunctionProps) {
    super(scope, id);
    this.settings = recordingEnvironment(this, props);
    this.build = { policy: props.policy, accountNames: false, ...launchActionDefines(props.launchActions) };
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: "ec2trail trail-file function: reads the trail's log files",
      ...(props.roleName ? { roleName: props.roleName } : {}),
    });
    logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: TRAIL_FILE_ENTRY,
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      // Memory buys CPU: gunzip and JSON parsing dominate the time spent on a log file.
      memorySize: 1024,
      timeout: TRAIL_FILE_TIMEOUT,
      role: this.role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        ...environmentOf('trailFile', this.settings),
        POWERTOOLS_SERVICE_NAME: 'ec2trail',
        POWERTOOLS_METRICS_NAMESPACE: 'ec2trail',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: bundlingOptions(buildDefines(this.build)),
    });
    grantRecording(this.role, props.table, props.topic);
    grantLaunchActions(this.role, props.launchActions);

    const partition = Stack.of(this).partition;
    const objects = logObjectsArn(partition, props.trail);
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [objects] }));
    if (props.kmsKeyArn) {
      // Decrypt only as S3 does it for the bucket's region: the key cannot be used directly.
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [props.kmsKeyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${props.bucketRegion}.amazonaws.com` } },
        }),
      );
    }
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${Token.isUnresolved(partition) ? objects.replace(partition, '<AWS::Partition>') : objects}]`,
      reason:
        "GetObject on the trail's log files: the wildcard is the account/region/date folders and file names under the trail's AWSLogs/ folder, which CloudTrail chooses.",
    });

    this.function.addEventSource(
      new SqsEventSource(props.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(20),
        // A file that fails is retried alone; the others of its batch are done.
        reportBatchItemFailures: true,
        // Leaves room for the live function and the backfill in the account's concurrency.
        maxConcurrency: 10,
      }),
    );
  }
}
