/** The digest function's entry point: clients built once per cold start, the environment checked first. */

import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAttributionQueries } from '../adapters/dynamodb-attribution-queries';
import { DynamoDbSentAlerts } from '../adapters/dynamodb-sent-alerts';
import { SnsAlertPublisher } from '../adapters/sns-alert-publisher';
import { readDigestEnvironment } from '../environment';
import { createDigestHandler } from './handler';

const env = readDigestEnvironment(process.env);
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = createDigestHandler({
  source: new DynamoDbAttributionQueries(documents, env.TABLE_NAME),
  sent: new DynamoDbSentAlerts(documents, env.TABLE_NAME),
  publisher: new SnsAlertPublisher(new SNSClient({}), env.TOPIC_ARN, {
    chat: env.CHAT_NOTIFICATIONS === 'custom',
  }),
  logger: new Logger({ serviceName: 'ec2trail-digest' }),
  personal: env.PERSONAL_DIGESTS === 'on',
});
