/**
 * The attribution function's entry point and composition root: reads its settings and the
 * policy once per cold start, builds the real adapters, and hands them to the handler.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SNSClient } from '@aws-sdk/client-sns';
import { OrganizationsAccountDirectory } from './adapters/organizations-account-directory';
import { SnsAlertPublisher } from './adapters/sns-alert-publisher';
import { createHandler } from './handler';
import { launchActions } from './runtime/launch-actions';
import { telemetryOf } from './runtime/powertools';
import { documentsOf, recordingDeps } from './runtime/recording-deps';
import { recordingSettings } from './runtime/recording-settings';
import { SDK_ATTEMPTS } from './runtime/sdk-retries';

const { settings, compiled } = recordingSettings('attribution', process.env);
const shared = recordingDeps({
  documents: documentsOf(new DynamoDBClient({ maxAttempts: SDK_ATTEMPTS.dynamodb })),
  tableName: settings.tableName,
  publisher: new SnsAlertPublisher(new SNSClient({ maxAttempts: SDK_ATTEMPTS.sns }), settings.topicArn, {
    chat: settings.chat,
  }),
  retentionDays: settings.retentionDays,
  ...telemetryOf('ec2trail'),
});

export const handler = createHandler({
  ...shared,
  policy: compiled,
  ingestedBy: 'live',
  // Organizations has one endpoint, in us-east-1 (the aws partition's).
  ...(EC2TRAIL_BUILD.accountNames && settings.accountNames
    ? {
        accounts: new OrganizationsAccountDirectory(
          new OrganizationsClient({ region: 'us-east-1', maxAttempts: SDK_ATTEMPTS.organizations }),
        ),
      }
    : {}),
  ...launchActions({ settings, ingestedBy: 'live', alerts: shared.ledger, ...shared }),
});
