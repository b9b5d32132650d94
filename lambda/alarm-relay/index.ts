/** The alarm relay's entry point: the topic from its settings, the SNS client built once per cold start. */

import { SNSClient } from '@aws-sdk/client-sns';
import { SnsAlertPublisher } from '../adapters/sns-alert-publisher';
import { loggerOf } from '../runtime/powertools';
import { SDK_ATTEMPTS } from '../runtime/sdk-retries';
import { readSettings } from '../settings/functions';
import { createAlarmRelay } from './handler';

const settings = readSettings('alarmRelay', process.env);

export const handler = createAlarmRelay({
  publisher: new SnsAlertPublisher(new SNSClient({ maxAttempts: SDK_ATTEMPTS.sns }), settings.topicArn),
  logger: loggerOf('ec2trail-alarm-relay'),
});
