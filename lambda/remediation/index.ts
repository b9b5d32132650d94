/**
 * The remediation function's entry point and composition root: the deployed policy's remediation
 * settings, the EC2 client of the home account, the table and the topic, built once per cold start.
 */

import { homeAccountEc2 } from '../adapters/ec2-clients';
import { Ec2InstanceActions } from '../adapters/ec2-instance-actions';
import { SnsAlertPublisher } from '../adapters/sns-alert-publisher';
import { parsePolicy } from '../domain';
import { remediationSettingsOf } from '../domain/remediation/settings';
import { telemetryOf } from '../runtime/powertools';
import { documentsOf, recordingDeps } from '../runtime/recording-deps';
import '../settings/build';
import { dynamodbClient, ec2Client, snsClient } from '../runtime/clients';
import { readSettings } from '../settings/functions';
import { createRemediationHandler } from './handler';

const settings = readSettings('remediation', process.env);
// The deadline is judged by the policy deployed now.
const remediation = remediationSettingsOf(parsePolicy(EC2TRAIL_BUILD.policy, 'the embedded policy'));
const { store, ledger, publisher, logger, metrics, clock } = recordingDeps({
  documents: documentsOf(dynamodbClient()),
  tableName: settings.tableName,
  legacyKeys: settings.legacyKeys,
  publisher: new SnsAlertPublisher(snsClient(), settings.topicArn, {
    chat: settings.chat,
  }),
  ...telemetryOf('ec2trail-remediation'),
});

export const handler = createRemediationHandler({
  settings: remediation,
  actions: new Ec2InstanceActions(homeAccountEc2(settings.homeAccount, (region) => ec2Client(region))),
  store,
  ledger,
  publisher,
  logger,
  metrics,
  clock,
});
