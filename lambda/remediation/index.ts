/**
 * The remediation function's entry point and composition root: the deployed policy's remediation
 * settings, the EC2 client of the home account, the table and the topic, built once per cold start.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAlertLedger } from '../adapters/dynamodb-alert-ledger';
import { DynamoDbAttributionStore } from '../adapters/dynamodb-attribution-store';
import { Ec2InstanceActions } from '../adapters/ec2-instance-actions';
import { homeAccountEc2 } from '../adapters/ec2-owner-tagger';
import { SnsAlertPublisher } from '../adapters/sns-alert-publisher';
import { parsePolicy } from '../domain';
import { remediationSettingsOf } from '../domain/remediation/settings';
import { readRemediationEnvironment } from '../environment';
import { METRICS_NAMESPACE } from '../telemetry';
import { createRemediationHandler } from './handler';

/** The deploy's policy, embedded at synth: the deadline is judged by the policy deployed now. */
declare const __EC2TRAIL_POLICY__: string;

const env = readRemediationEnvironment(process.env);
const settings = remediationSettingsOf(parsePolicy(JSON.parse(__EC2TRAIL_POLICY__), 'the embedded policy'));
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
});

export const handler = createRemediationHandler({
  settings,
  actions: new Ec2InstanceActions(
    homeAccountEc2(env.HOME_ACCOUNT, (region) => new EC2Client({ region, maxAttempts: 1 })),
  ),
  store: new DynamoDbAttributionStore(documents, env.TABLE_NAME),
  ledger: new DynamoDbAlertLedger(documents, env.TABLE_NAME),
  publisher: new SnsAlertPublisher(new SNSClient({}), env.TOPIC_ARN, {
    chat: env.CHAT_NOTIFICATIONS === 'custom',
  }),
  logger: new Logger({ serviceName: 'ec2trail-remediation' }),
  metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'ec2trail' }),
  clock: () => new Date(),
});
