/**
 * The Lambda entry point and composition root: reads the environment and builds the real
 * adapters once per cold start, then hands them to the handler.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAttributionStore } from './adapters/dynamodb-attribution-store';
import { readEnvironment } from './environment';
import { createHandler } from './handler';
import { METRICS_NAMESPACE } from './telemetry';

const env = readEnvironment(process.env);
const logger = new Logger({ serviceName: 'ec2trail' });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'ec2trail' });
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
});

export const handler = createHandler({
  store: new DynamoDbAttributionStore(documents, env.TABLE_NAME),
  logger,
  metrics,
  clock: () => new Date(),
  retentionDays: env.RETENTION_DAYS,
});
