/**
 * The Lambda entry point and composition root: reads the environment and the policy, and
 * builds the real adapters once per cold start, then hands them to the handler.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAlertLedger } from './adapters/dynamodb-alert-ledger';
import { DynamoDbAttributionStore } from './adapters/dynamodb-attribution-store';
import { DynamoDbLineageStore } from './adapters/dynamodb-lineage-store';
import { OrganizationsAccountDirectory } from './adapters/organizations-account-directory';
import { SnsAlertPublisher } from './adapters/sns-alert-publisher';
import { compilePolicy, parsePolicy } from './domain';
import { readEnvironment } from './environment';
import { createHandler } from './handler';
import { launchActions } from './runtime/launch-actions';
import { METRICS_NAMESPACE } from './telemetry';

/** The deploy's policy, validated at `cdk synth` and embedded in the bundle by esbuild's define. */
declare const __EC2TRAIL_POLICY__: string;
/** Whether the deploy reads account names: when false the Organizations client is left out of the bundle. */
declare const __EC2TRAIL_ACCOUNT_NAMES__: boolean;

const env = readEnvironment(process.env);
// Validated again here: a bundle built by other means fails at cold start, not on the first event.
const rawPolicy = parsePolicy(JSON.parse(__EC2TRAIL_POLICY__), 'the embedded policy');
const policy = compilePolicy(rawPolicy);
const logger = new Logger({ serviceName: 'ec2trail' });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'ec2trail' });
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
});

const store = new DynamoDbAttributionStore(documents, env.TABLE_NAME);
const ledger = new DynamoDbAlertLedger(documents, env.TABLE_NAME);

export const handler = createHandler({
  store,
  ledger,
  lineage: new DynamoDbLineageStore(documents, env.TABLE_NAME),
  publisher: new SnsAlertPublisher(new SNSClient({}), env.TOPIC_ARN, {
    chat: env.CHAT_NOTIFICATIONS === 'custom',
  }),
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
  ...launchActions({
    policy: rawPolicy,
    homeAccount: env.HOME_ACCOUNT,
    retentionDays: env.RETENTION_DAYS,
    ingestedBy: 'live',
    env: process.env,
    store,
    alerts: ledger,
    logger,
    metrics,
  }),
});
