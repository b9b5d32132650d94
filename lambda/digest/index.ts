/** The digest function's entry point: clients built once per cold start, the settings checked first. */

import { DynamoDbAttributionQueries } from '../adapters/dynamodb-attribution-queries';
import { DynamoDbInventorySnapshots } from '../adapters/dynamodb-inventory-snapshots';
import { DynamoDbSentAlerts } from '../adapters/dynamodb-sent-alerts';
import { SnsAlertPublisher } from '../adapters/sns-alert-publisher';
import { dynamodbClient, snsClient } from '../runtime/clients';
import { loggerOf } from '../runtime/powertools';
import { documentsOf } from '../runtime/recording-deps';
import { readSettings } from '../settings/functions';
import { createDigestHandler } from './handler';

const settings = readSettings('digest', process.env);
const documents = documentsOf(dynamodbClient());

export const handler = createDigestHandler({
  source: new DynamoDbAttributionQueries(documents, settings.tableName),
  sent: new DynamoDbSentAlerts(documents, settings.tableName),
  snapshots: new DynamoDbInventorySnapshots(documents, settings.tableName),
  publisher: new SnsAlertPublisher(snsClient(), settings.topicArn, {
    chat: settings.chat,
  }),
  logger: loggerOf('ec2trail-digest'),
  personal: settings.personal,
});
