/** The digest function's entry point: clients built once per cold start, the settings checked first. */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDbAttributionQueries } from '../adapters/dynamodb-attribution-queries';
import { DynamoDbSentAlerts } from '../adapters/dynamodb-sent-alerts';
import { SnsAlertPublisher } from '../adapters/sns-alert-publisher';
import { loggerOf } from '../runtime/powertools';
import { documentsOf } from '../runtime/recording-deps';
import { SDK_ATTEMPTS } from '../runtime/sdk-retries';
import { readSettings } from '../settings/functions';
import { createDigestHandler } from './handler';

const settings = readSettings('digest', process.env);
const documents = documentsOf(new DynamoDBClient({ maxAttempts: SDK_ATTEMPTS.dynamodb }));

export const handler = createDigestHandler({
  source: new DynamoDbAttributionQueries(documents, settings.tableName),
  sent: new DynamoDbSentAlerts(documents, settings.tableName),
  publisher: new SnsAlertPublisher(new SNSClient({ maxAttempts: SDK_ATTEMPTS.sns }), settings.topicArn, {
    chat: settings.chat,
  }),
  logger: loggerOf('ec2trail-digest'),
  personal: settings.personal,
});
