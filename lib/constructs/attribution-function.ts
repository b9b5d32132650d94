import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Policy } from '../../lambda/domain/policy/schema';
import { type BuildConstants, buildDefines } from '../../lambda/settings/build';
import { environmentOf, type SettingsInput } from '../../lambda/settings/functions';
import type { LaunchActions } from '../features/feature';
import { bundlingOptions, LAMBDA_ENTRY } from '../lambda-bundling';
import { grantLaunchActions, launchActionDefines, recordingEnvironment } from './launch-actions';
import { grantRecording } from './recording-grants';

/** Where the attribution function records and alerts, with what policy, and what else it does. */
export interface AttributionFunctionProps {
  /** The table the function writes attribution rows to (and reads for its own lookups). */
  readonly table: ITable;
  /** The topic the function publishes alerts to. */
  readonly topic: ITopic;
  /** Receives the events whose every retry failed. */
  readonly deadLetterQueue: IQueue;
  /** How long to keep the function's logs. */
  readonly logRetention: RetentionDays;
  /** Days to keep rows (DynamoDB TTL). @default undefined: keep forever */
  readonly retentionDays?: number;
  /** The validated launch policy, embedded in the bundle. */
  readonly policy: Policy;
  /** Rows carry the legacy indexes' keys too (steps 1 and 2 of a table move). @default false */
  readonly legacyKeys?: boolean;
  /** Read account names from this organization for alerts. @default undefined: no names */
  readonly accountNamesFrom?: string;
  /** Lambda's own retries of a failed asynchronous invocation. @default 2 */
  readonly retryAttempts?: number;
  /** The features' parts (lib/features/): what the function does beside the row and the alert. @default none */
  readonly launchActions?: LaunchActions;
}

/**
 * The attribution function: the handler bundled with esbuild (minified ESM with source maps),
 * on the latest Node.js runtime on ARM64, with a role that can only write its log group, put and
 * read rows of the table, and publish to the topic.
 */
export class AttributionFunction extends Construct {
  public readonly function: NodejsFunction;
  /** The function's role: the member accounts' owner-tag role trusts it. */
  public readonly role: Role;
  public readonly logGroup: LogGroup;
  /** The settings in the function's environment, as its schema types them. */
  public readonly settings: SettingsInput<'attribution'> & Readonly<Record<string, string>>;
  /** What the function's bundle is built with. */
  public readonly build: BuildConstants;

  constructor(scope: Construct, id: string, props: AttributionFunctionProps) {
    super(scope, id);
    this.settings = {
      ...recordingEnvironment(this, props),
      ...(props.accountNamesFrom ? { ACCOUNT_NAMES: 'organizations' } : {}),
    };
    this.build = {
      policy: props.policy,
      accountNames: props.accountNamesFrom !== undefined,
      ...launchActionDefines(props.launchActions),
    };
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // A role of our own instead of AWSLambdaBasicExecutionRole, whose log rights span every group.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'ec2trail attribution function',
    });
    const role = this.role;
    this.logGroup.grantWrite(role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: LAMBDA_ENTRY,
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(30),
      role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        ...environmentOf('attribution', this.settings),
        POWERTOOLS_SERVICE_NAME: 'ec2trail',
        POWERTOOLS_METRICS_NAMESPACE: 'ec2trail',
        // Stack traces in the logs point at the TypeScript sources.
        NODE_OPTIONS: '--enable-source-maps',
      },
      retryAttempts: props.retryAttempts ?? 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(props.deadLetterQueue),
      // The policy travels inside the bundle: no 4 KB environment limit, and a new policy is a new code version.
      bundling: bundlingOptions(buildDefines(this.build)),
    });

    grantRecording(role, props.table, props.topic);
    grantLaunchActions(role, props.launchActions);
    if (props.accountNamesFrom) {
      // The management account's id is not known here; the organization id pins the accounts.
      const partition = Stack.of(this).partition;
      const accounts = (p: string) => `arn:${p}:organizations::*:account/${props.accountNamesFrom}/*`;
      role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['organizations:DescribeAccount'], resources: [accounts(partition)] }),
      );
      Validations.of(role).acknowledge({
        // cdk-nag names the finding by the resource as written, with an unresolved partition as <AWS::Partition>.
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${accounts(Token.isUnresolved(partition) ? '<AWS::Partition>' : partition)}]`,
        reason:
          'DescribeAccount on the accounts of this one organization, to name them in alerts; the management account id in the ARN is not known at deploy time.',
      });
    }
  }
}
