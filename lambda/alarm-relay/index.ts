/** The alarm relay's entry point: the topic from the environment, the SNS client built once per cold start. */

import { Logger } from '@aws-lambda-powertools/logger';
import { SNSClient } from '@aws-sdk/client-sns';
import { SnsAlertPublisher } from '../adapters/sns-alert-publisher';
import { readRelayEnvironment } from '../environment';
import { createAlarmRelay } from './handler';

const env = readRelayEnvironment(process.env);

export const handler = createAlarmRelay({
  publisher: new SnsAlertPublisher(new SNSClient({}), env.TOPIC_ARN),
  logger: new Logger({ serviceName: 'ec2trail-alarm-relay' }),
});
