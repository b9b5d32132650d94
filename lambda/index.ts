/**
 * The attribution function's entry point and composition root: reads its settings and the
 * policy once per cold start, builds the real adapters, and hands them to the handler.
 */

import { OrganizationsAccountDirectory } from './adapters/organizations-account-directory';
import { createHandler } from './handler';
import { organizationsClient } from './runtime/clients';
import { launchActions } from './runtime/launch-actions';
import { recordingRuntime } from './runtime/recording-settings';

const { settings, policy, compiled, shared } = recordingRuntime('attribution', process.env);

export const handler = createHandler({
  ...shared,
  policy: compiled,
  ingestedBy: 'live',
  ...(EC2TRAIL_BUILD.accountNames && settings.accountNames
    ? {
        accounts: new OrganizationsAccountDirectory(organizationsClient()),
      }
    : {}),
  actions: launchActions({
    env: process.env,
    settings,
    policy,
    ingestedBy: 'live',
    alerts: shared.ledger,
    ...shared,
  }),
});
