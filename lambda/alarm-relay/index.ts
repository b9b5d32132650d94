/** The alarm relay's entry point: the topic from its settings, the SNS client built once per cold start. */

import { SnsAlertPublisher } from '../adapters/sns-alert-publisher';
import { snsClient } from '../runtime/clients';
import { loggerOf } from '../runtime/powertools';
import { readSettings } from '../settings/functions';
import { createAlarmRelay } from './handler';

const settings = readSettings('alarmRelay', process.env);

export const handler = createAlarmRelay({
  publisher: new SnsAlertPublisher(snsClient(), settings.topicArn),
  logger: loggerOf('ec2trail-alarm-relay'),
});
