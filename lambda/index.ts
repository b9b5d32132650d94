/**
 * The attribution function's entry point and composition root: reads its settings and the
 * policy once per cold start, builds the real adapters, and hands them to the handler.
 */

import { OrganizationsAccountDirectory } from './adapters/organizations-account-directory';
import { SnsAlertPublisher } from './adapters/sns-alert-publisher';
import { createHandler } from './handler';
import { dynamodbClient, organizationsClient, snsClient } from './runtime/clients';
import { launchActions } from './runtime/launch-actions';
import { telemetryOf } from './runtime/powertools';
import { documentsOf, recordingDeps } from './runtime/recording-deps';
import { recordingSettings } from './runtime/recording-settings';

const { settings, compiled } = recordingSettings('attribution', process.env);
const shared = recordingDeps({
  documents: documentsOf(dynamodbClient()),
  tableName: settings.tableName,
  publisher: new SnsAlertPublisher(snsClient(), settings.topicArn, {
    chat: settings.chat,
  }),
  retentionDays: settings.retentionDays,
  ...telemetryOf('ec2trail'),
});

export const handler = createHandler({
  ...shared,
  policy: compiled,
  ingestedBy: 'live',
  ...(EC2TRAIL_BUILD.accountNames && settings.accountNames
    ? {
        accounts: new OrganizationsAccountDirectory(organizationsClient()),
      }
    : {}),
  ...launchActions({ settings, ingestedBy: 'live', alerts: shared.ledger, ...shared }),
});
