/**
 * What a function's bundle is built with, fixed at `cdk synth`. esbuild replaces each
 * `EC2TRAIL_BUILD.<name>` in the code by its value, so the code behind a feature that is off, and
 * the SDK client it imports, are left out of the bundle. The CDK side produces the replacements
 * from this same interface (`buildDefines`), so a name cannot be misspelt on one side only.
 */

import type { OwnerTagSettings } from '../domain/owner-tags';
import type { Policy } from '../domain/policy/schema';
import { remediationSettingsOf } from '../domain/remediation/settings';
import type { RecordingSettings } from './functions';

/** A bundle's compile-time constants. */
export interface BuildConstants {
  /** The deploy's policy, validated at synth and again at cold start. */
  readonly policy: Policy;
  /** Read account names from AWS Organizations: bundles the Organizations client. */
  readonly accountNames: boolean;
  /** Owner tags to write, or null: the EC2 and STS clients are bundled only with settings. */
  readonly ownerTags: OwnerTagSettings | null;
  /** The policy remediates in enforce mode: bundles the EC2 and Scheduler clients. */
  readonly enforce: boolean;
  /** Put violations on the default event bus: bundles the EventBridge client. */
  readonly violationEvents: boolean;
  /** Import violations into Security Hub: bundles the Security Hub client. */
  readonly securityHub: boolean;
}

declare global {
  /** Replaced property by property at bundling; never an object at run time. */
  const EC2TRAIL_BUILD: BuildConstants;
}

/** The identifier the defines replace. */
export const BUILD_GLOBAL = 'EC2TRAIL_BUILD';

/** A bundle with every optional feature off. */
export function buildConstants(
  policy: Policy,
  features: Partial<Omit<BuildConstants, 'policy'>> = {},
): BuildConstants {
  return {
    policy,
    accountNames: false,
    ownerTags: null,
    enforce: false,
    violationEvents: false,
    securityHub: false,
    ...features,
  };
}

/** esbuild's `define` for `constants`: one replacement per property, as JSON. */
export function buildDefines(constants: BuildConstants): Record<string, string> {
  return Object.fromEntries(
    Object.entries(constants).map(([name, value]) => [`${BUILD_GLOBAL}.${name}`, JSON.stringify(value)]),
  );
}

/**
 * What a recording function's bundle needs from its environment and did not get: the features
 * fixed at build time name the settings they read.
 */
export function missingSettings(build: BuildConstants, settings: RecordingSettings): string[] {
  const problems: string[] = [];
  const remediates = remediationSettingsOf(build.policy) !== null;
  if ((build.ownerTags !== null || remediates) && settings.homeAccount === null)
    problems.push('HOME_ACCOUNT: owner tags and remediation act in the home account only, and it is not set');
  if (build.enforce && settings.scheduling === null)
    problems.push(
      'SCHEDULE_GROUP: the policy remediates in enforce mode, and the schedule settings are not set',
    );
  if (build.securityHub && settings.securityHub === null)
    problems.push('SECURITY_HUB_PRODUCT_ARN: Security Hub findings are on, and the product ARN is not set');
  return problems;
}
