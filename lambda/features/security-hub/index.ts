/**
 * Security Hub findings: each alerted violation imported as a finding of the deploy's own
 * product, and a terminated instance's launch findings archived (live and recovered events).
 */

import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { RuntimeFeature } from '../feature';
import { readSecurityHubSettings as settingsOf } from './contract';
import { SecurityHubFindingSink } from './finding-sink';
import { findingsAction } from './reporter';

/** BatchImportFindings allows 10 requests a second: the SDK's retries ride out a burst. */
const ATTEMPTS = 5;

export const securityHub: RuntimeFeature = {
  name: 'securityHub',
  built: () => ({ securityHub: EC2TRAIL_BUILD.securityHub }),
  problems({ env }, build) {
    const { value, problems } = settingsOf(env);
    if (problems.length > 0 || build.securityHub !== true || value !== null) return problems;
    return ['SECURITY_HUB_PRODUCT_ARN: Security Hub findings are on, and the product ARN is not set'];
  },
  action: (context) => (EC2TRAIL_BUILD.securityHub ? findings(context) : null),
};

function findings(context: Parameters<RuntimeFeature['action']>[0]) {
  const target = settingsOf(context.env).value;
  if (!target) return null;
  return findingsAction({
    sink: new SecurityHubFindingSink(new SecurityHubClient({ maxAttempts: ATTEMPTS })),
    target,
    alerts: context.alerts,
  });
}
