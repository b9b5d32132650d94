import { CfnElement, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket } from 'aws-cdk-lib/aws-s3';
import {
  DefinitionBody,
  DistributedMap,
  ItemBatcher,
  JitterType,
  JsonPath,
  LogLevel,
  ResultWriterV2,
  S3ObjectsItemReader,
  StateMachine,
  StateMachineType,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct, type IConstruct } from 'constructs';

/** The bucket to read, the function that reads, and how many at once. */
export interface TrailBackfillProps {
  /** The trail bucket, whose objects the map lists by prefix. */
  readonly trailBucket: IBucket;
  /** The trail-file function, which reads each batch of log files. */
  readonly reader: IFunction;
  /** Batches read at once. */
  readonly maxConcurrency: number;
  /** Log files per batch (per invocation). */
  readonly filesPerBatch: number;
  /** The share of failed batches a run tolerates before it fails. */
  readonly toleratedFailurePercentage: number;
  /** How long to keep the state machine's error logs. */
  readonly logRetention: RetentionDays;
  /** A fixed role name, when a bucket policy in another account must name the role. @default a generated name */
  readonly roleName?: string | undefined;
}

/** Errors of a throttled or briefly unavailable Lambda service: retried with backoff. */
export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.TooManyRequestsException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
];

/**
 * Backfill of a trail's history on Step Functions Distributed Map: one execution lists the
 * objects under one prefix (`{"prefix": "AWSLogs/<account>/CloudTrail/<region>/2024/01/"}`),
 * hands them in batches to the trail-file function with bounded concurrency, retries throttling
 * with backoff, and writes a report of the batches that failed to the results bucket.
 */
export class TrailBackfill extends Construct {
  public readonly stateMachine: StateMachine;
  public readonly results: Bucket;
  public readonly map: DistributedMap;

  constructor(scope: Construct, id: string, props: TrailBackfillProps) {
    super(scope, id);
    this.results = this.resultsBucket();
    this.map = new DistributedMap(this, 'EachBatch', {
      comment: 'Every log file under the prefix, in batches, to the trail-file function',
      itemReader: new S3ObjectsItemReader({
        bucket: props.trailBucket,
        prefix: JsonPath.stringAt('$.prefix'),
      }),
      itemBatcher: new ItemBatcher({
        maxItemsPerBatch: props.filesPerBatch,
        batchInput: { bucket: props.trailBucket.bucketName },
      }),
      maxConcurrency: props.maxConcurrency,
      toleratedFailurePercentage: props.toleratedFailurePercentage,
      // Each batch is one short Lambda call: express child workflows cost a fraction of standard ones.
      mapExecutionType: StateMachineType.EXPRESS,
      resultWriterV2: new ResultWriterV2({ bucket: this.results, prefix: 'backfill-runs' }),
      resultPath: JsonPath.DISCARD,
    });
    this.map.itemProcessor(this.readStep(props));
    const logs = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      ...(props.roleName
        ? {
            role: new Role(this, 'Role', {
              assumedBy: new ServicePrincipal('states.amazonaws.com'),
              roleName: props.roleName,
            }),
          }
        : {}),
      comment: 'ec2trail backfill: reads the log files under one prefix of the trail bucket',
      definitionBody: DefinitionBody.fromChainable(this.map),
      stateMachineType: StateMachineType.STANDARD,
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ERROR, includeExecutionData: false },
    });
    this.acknowledge(props);
  }

  /** Where the map runs' reports go: encrypted, private, kept a year. */
  private resultsBucket(): Bucket {
    const results = new Bucket(this, 'Results', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      removalPolicy: RemovalPolicy.RETAIN,
      // The reports matter while a backfill is checked; a year is ample.
      lifecycleRules: [{ expiration: Duration.days(365) }],
    });
    Validations.of(results).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        "Holds only the map runs' result reports, written by the state machine; its reads and writes are in CloudTrail, and an access-log bucket would need its own.",
    });
    return results;
  }

  /** One batch to the trail-file function, retried on Lambda's transient errors and on a batch that failed. */
  private readStep(props: TrailBackfillProps): LambdaInvoke {
    const read = new LambdaInvoke(this, 'ReadLogFiles', {
      lambdaFunction: props.reader,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    });
    read.addRetry({
      errors: LAMBDA_TRANSIENT_ERRORS,
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: 8,
      maxDelay: Duration.minutes(2),
      jitterStrategy: JitterType.FULL,
    });
    // A file whose events could not be stored (a throttled table, a timeout): the batch is read again.
    read.addRetry({
      errors: ['TrailBatchError', 'Sandbox.Timedout', 'States.Timeout'],
      interval: Duration.seconds(30),
      backoffRate: 2,
      maxAttempts: 3,
      jitterStrategy: JitterType.FULL,
    });
    return read;
  }

  /** cdk-nag's findings on the state machine, each with why it is as narrow as AWS allows. */
  private acknowledge(props: TrailBackfillProps): void {
    const acknowledge = (id: string, reason: string) => Validations.of(this).acknowledge({ id, reason });
    acknowledge(
      'AwsSolutions-SF1',
      "A run has one child execution per batch of log files: logging ALL would write every batch's input and output, thousands of entries per run. Errors are logged, and failed batches are listed in the results bucket.",
    );
    const stack = Stack.of(this);
    const ref = (construct: IConstruct) => {
      const resource = construct.node.defaultChild;
      return resource instanceof CfnElement ? stack.getLogicalId(resource) : construct.node.id;
    };
    // cdk-nag names findings by the policy as written, with unresolved pseudo parameters as <AWS::Name>.
    const literal = (value: string, name: string) => (Token.isUnresolved(value) ? `<AWS::${name}>` : value);
    const arnPrefix = `arn:${literal(stack.partition, 'Partition')}:states:${literal(stack.region, 'Region')}:${literal(stack.account, 'AccountId')}`;
    acknowledge(
      `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<${ref(this.results)}>/*]`,
      "Writes the map runs' reports into the results bucket this construct owns; the wildcard is the report keys.",
    );
    acknowledge(
      `AwsSolutions::AwsSolutions-IAM5[Resource::<${ref(props.reader)}.Arn>:*]`,
      'Invokes the trail-file function only; the wildcard is its version or alias qualifier, which CDK adds to every invoke grant.',
    );
    acknowledge(
      'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing and the CloudWatch Logs delivery calls of Step Functions logging support no resource-level permissions: AWS documents them with Resource *.',
    );
    for (const suffix of [':*', '/*:*'])
      acknowledge(
        `AwsSolutions::AwsSolutions-IAM5[Resource::${arnPrefix}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${ref(this.stateMachine)}"}]}]}${suffix}]`,
        "Distributed Map describes, stops and redrives this state machine's own executions and map runs; the wildcard is the execution name.",
      );
  }
}
