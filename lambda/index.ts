/**
 * The Lambda entry point and composition root: reads the environment and the policy, and
 * builds the real adapters once per cold start, then hands them to the handler.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAlertLedger } from './adapters/dynamodb-alert-ledger';
import { DynamoDbAttributionStore } from './adapters/dynamodb-attribution-store';
import { DynamoDbLineageStore } from './adapters/dynamodb-lineage-store';
import { Ec2InstanceActions } from './adapters/ec2-instance-actions';
import { Ec2OwnerTagger, homeAccountEc2 } from './adapters/ec2-owner-tagger';
import { OrganizationsAccountDirectory } from './adapters/organizations-account-directory';
import { SchedulerStopScheduler } from './adapters/scheduler-stop-scheduler';
import { SnsAlertPublisher } from './adapters/sns-alert-publisher';
import { compilePolicy, parsePolicy } from './domain';
import { remediationSettingsOf } from './domain/remediation/settings';
import { readEnvironment, readOwnerTagSettings, readSchedulingEnvironment } from './environment';
import { createHandler } from './handler';
import { Remediator } from './remediation/remediator';
import { METRICS_NAMESPACE } from './telemetry';

/** The deploy's policy, validated at `cdk synth` and embedded in the bundle by esbuild's define. */
declare const __EC2TRAIL_POLICY__: string;
/** Whether the deploy reads account names: when false the Organizations client is left out of the bundle. */
declare const __EC2TRAIL_ACCOUNT_NAMES__: boolean;
/** The deploy's owner tag settings as JSON, or null (then the EC2 client is left out of the bundle). */
declare const __EC2TRAIL_OWNER_TAGS__: string | null;
/** True when the policy remediates in enforce mode: only then are the EC2 and Scheduler clients bundled. */
declare const __EC2TRAIL_ENFORCE__: boolean;

const env = readEnvironment(process.env);
const ownerTagSettings =
  __EC2TRAIL_OWNER_TAGS__ === null ? null : readOwnerTagSettings(JSON.parse(__EC2TRAIL_OWNER_TAGS__));
// Validated again here: a bundle built by other means fails at cold start, not on the first event.
const rawPolicy = parsePolicy(JSON.parse(__EC2TRAIL_POLICY__), 'the embedded policy');
const policy = compilePolicy(rawPolicy);
const remediation = remediationSettingsOf(rawPolicy);
const logger = new Logger({ serviceName: 'ec2trail' });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'ec2trail' });
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
});

const store = new DynamoDbAttributionStore(documents, env.TABLE_NAME);
/** Remediation's adapters: in enforce mode only; a dry run gets no client and no permission. */
function enforcement() {
  const scheduling = readSchedulingEnvironment(process.env);
  return {
    actions: new Ec2InstanceActions(
      homeAccountEc2(env.HOME_ACCOUNT ?? '', (region) => new EC2Client({ region, maxAttempts: 1 })),
    ),
    scheduler: new SchedulerStopScheduler(new SchedulerClient({}), {
      groupName: scheduling.SCHEDULE_GROUP,
      functionArn: scheduling.REMEDIATION_FUNCTION_ARN,
      roleArn: scheduling.SCHEDULER_ROLE_ARN,
      deadLetterArn: scheduling.SCHEDULE_DLQ_ARN,
    }),
  };
}

export const handler = createHandler({
  store,
  ledger: new DynamoDbAlertLedger(documents, env.TABLE_NAME),
  lineage: new DynamoDbLineageStore(documents, env.TABLE_NAME),
  publisher: new SnsAlertPublisher(new SNSClient({}), env.TOPIC_ARN),
  policy,
  logger,
  metrics,
  clock: () => new Date(),
  retentionDays: env.RETENTION_DAYS,
  // Organizations has one endpoint, in us-east-1 (the aws partition's).
  ...(__EC2TRAIL_ACCOUNT_NAMES__ && env.ACCOUNT_NAMES === 'organizations'
    ? {
        accounts: new OrganizationsAccountDirectory(
          new OrganizationsClient({ region: 'us-east-1', maxAttempts: 2 }),
        ),
      }
    : {}),
  // Tested on the define itself, so esbuild drops the EC2 client from a bundle without owner tags.
  ...(__EC2TRAIL_OWNER_TAGS__ !== null && ownerTagSettings !== null
    ? {
        ownerTags: {
          settings: ownerTagSettings,
          tagger: new Ec2OwnerTagger({
            clientFor: homeAccountEc2(
              env.HOME_ACCOUNT ?? '',
              (region) => new EC2Client({ region, maxAttempts: 1 }),
            ),
            overwrite: ownerTagSettings.overwrite,
          }),
        },
      }
    : {}),
  ...(remediation !== null
    ? {
        remediator: new Remediator({
          settings: remediation,
          homeAccount: env.HOME_ACCOUNT ?? '',
          // Tested on the define itself, so esbuild drops the EC2 and Scheduler clients from a dry run's bundle.
          ...(__EC2TRAIL_ENFORCE__ ? enforcement() : {}),
          store,
          logger,
          metrics,
          clock: () => new Date(),
          ingestedBy: 'live',
          retentionDays: env.RETENTION_DAYS,
        }),
      }
    : {}),
});
