/**
 * The trail-file function's entry point and composition root: the same adapters and policy as the
 * attribution function (owner tags and remediation included), plus an S3 reader, built once per
 * cold start.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAlertLedger } from '../adapters/dynamodb-alert-ledger';
import { DynamoDbAttributionStore } from '../adapters/dynamodb-attribution-store';
import { DynamoDbLineageStore } from '../adapters/dynamodb-lineage-store';
import { S3TrailLogSource } from '../adapters/s3-trail-log-source';
import { SnsAlertPublisher } from '../adapters/sns-alert-publisher';
import { compilePolicy, parsePolicy } from '../domain';
import { readEnvironment } from '../environment';
import { createHandler, type HandlerDeps } from '../handler';
import { launchActions } from '../runtime/launch-actions';
import { METRICS_NAMESPACE } from '../telemetry';
import { createTrailFileWorker } from './trail-file-worker';

/** The deploy's policy, validated at `cdk synth` and embedded in the bundle by esbuild's define. */
declare const __EC2TRAIL_POLICY__: string;

const env = readEnvironment(process.env);
const rawPolicy = parsePolicy(JSON.parse(__EC2TRAIL_POLICY__), 'the embedded policy');
const policy = compilePolicy(rawPolicy);
const logger = new Logger({ serviceName: 'ec2trail' });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'ec2trail' });
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
});

const ledger = new DynamoDbAlertLedger(documents, env.TABLE_NAME);
const shared: Omit<HandlerDeps, 'policy' | 'ingestedBy'> = {
  store: new DynamoDbAttributionStore(documents, env.TABLE_NAME),
  ledger,
  lineage: new DynamoDbLineageStore(documents, env.TABLE_NAME),
  publisher: new SnsAlertPublisher(new SNSClient({}), env.TOPIC_ARN, {
    chat: env.CHAT_NOTIFICATIONS === 'custom',
  }),
  logger,
  metrics,
  clock: () => new Date(),
  retentionDays: env.RETENTION_DAYS,
};

const worker = createTrailFileWorker({
  // The trail bucket may be in another region than the function: follow S3's redirect.
  logs: new S3TrailLogSource(new S3Client({ followRegionRedirects: true })),
  // An event the live path missed is tagged and remediated as the live path would have done.
  recover: createHandler({
    ...shared,
    policy,
    ingestedBy: 'trail',
    ...launchActions({
      policy: rawPolicy,
      homeAccount: env.HOME_ACCOUNT,
      retentionDays: env.RETENTION_DAYS,
      ingestedBy: 'trail',
      env: process.env,
      store: shared.store,
      alerts: ledger,
      logger,
      metrics,
    }),
  }),
  // History is recorded without alerts: a backfill of years would otherwise page people for each one.
  backfill: createHandler({ ...shared, policy: compilePolicy({ rules: {} }), ingestedBy: 'backfill' }),
  logger,
  metrics,
  clock: () => new Date(),
});

export const handler = worker.handle;
