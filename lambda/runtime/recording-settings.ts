/**
 * A recording function's settings at cold start, and the dependencies every recording function
 * shares. The environment is read through its schema, then checked against what the bundle was
 * built with, so a deploy that turned a feature on without its settings fails before the first
 * event, with every problem named.
 */

import { SnsAlertPublisher } from '../adapters/sns-alert-publisher';
import { type CompiledPolicy, compilePolicy, parsePolicy } from '../domain';
import type { Policy } from '../domain/policy/schema';
import { missingSettings } from '../settings/build';
import { type RecordingSettings, readSettings, SettingsError } from '../settings/functions';
import { dynamodbClient, snsClient } from './clients';
import { telemetryOf } from './powertools';
import { documentsOf, recordingDeps } from './recording-deps';

/** The settings and policy of the attribution or the trail-file function. */
export function recordingSettings(
  fn: 'attribution' | 'trailFile',
  env: Record<string, string | undefined>,
): { readonly settings: RecordingSettings; readonly policy: Policy; readonly compiled: CompiledPolicy } {
  const settings = readSettings(fn, env);
  // Validated again here: a bundle built by other means fails at cold start, not on the first event.
  const policy = parsePolicy(EC2TRAIL_BUILD.policy, 'the embedded policy');
  // Property by property: esbuild replaces `EC2TRAIL_BUILD.<name>`, never the object itself.
  const build = {
    policy,
    accountNames: EC2TRAIL_BUILD.accountNames,
    ownerTags: EC2TRAIL_BUILD.ownerTags,
    enforce: EC2TRAIL_BUILD.enforce,
    violationEvents: EC2TRAIL_BUILD.violationEvents,
    securityHub: EC2TRAIL_BUILD.securityHub,
  };
  const missing = missingSettings(build, settings);
  if (missing.length > 0) throw new SettingsError(`Invalid Lambda environment: ${missing.join('; ')}`);
  return { settings, policy, compiled: compilePolicy(policy) };
}

/**
 * Everything the attribution and trail-file functions share, built once per cold start: the
 * settings, the policy, and the store, ledger, lineage and publisher on the real AWS clients.
 */
export function recordingRuntime(fn: 'attribution' | 'trailFile', env: Record<string, string | undefined>) {
  const { settings, policy, compiled } = recordingSettings(fn, env);
  const shared = recordingDeps({
    documents: documentsOf(dynamodbClient()),
    tableName: settings.tableName,
    publisher: new SnsAlertPublisher(snsClient(), settings.topicArn, { chat: settings.chat }),
    retentionDays: settings.retentionDays,
    ...telemetryOf('ec2trail'),
  });
  return { settings, policy, compiled, shared };
}
