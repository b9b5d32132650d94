/**
 * A recording function's settings at cold start, and the dependencies every recording function
 * shares. The environment is read through the function's schema and each feature's own, against
 * what the bundle was built with, so a deploy that turned a feature on without its settings fails
 * before the first event, with every problem named at once.
 */

import { SnsAlertPublisher } from '../adapters/sns-alert-publisher';
import { type CompiledPolicy, compilePolicy, parsePolicy } from '../domain';
import type { Policy } from '../domain/policy/schema';
import { RUNTIME_FEATURES } from '../features';
import type { ColdStart } from '../features/feature';
import type { BuildConstants } from '../settings/build';
import { type RecordingSettings, SettingsError, settingsOf } from '../settings/functions';
import { dynamodbClient, snsClient } from './clients';
import { telemetryOf } from './powertools';
import { documentsOf, recordingDeps } from './recording-deps';

/** The settings and policy of the attribution or the trail-file function. */
export function recordingSettings(
  fn: 'attribution' | 'trailFile',
  env: Record<string, string | undefined>,
): { readonly settings: RecordingSettings; readonly policy: Policy; readonly compiled: CompiledPolicy } {
  const read = settingsOf(fn, env);
  // Validated again here: a bundle built by other means fails at cold start, not on the first event.
  const policy = parsePolicy(EC2TRAIL_BUILD.policy, 'the embedded policy');
  // Property by property: esbuild replaces `EC2TRAIL_BUILD.<name>`, never the object itself.
  const build: Partial<BuildConstants> = Object.assign(
    { policy, accountNames: EC2TRAIL_BUILD.accountNames },
    ...RUNTIME_FEATURES.map((feature) => feature.built()),
  );
  if (!('settings' in read))
    throw new SettingsError(`Invalid Lambda environment: ${read.problems.join('; ')}`);
  const problems = featureProblems({ env, settings: read.settings, policy }, build);
  if (problems.length > 0) throw new SettingsError(`Invalid Lambda environment: ${problems.join('; ')}`);
  return { settings: read.settings, policy, compiled: compilePolicy(policy) };
}

/**
 * What the features a bundle was built with need from the environment and did not get: one
 * problem per variable, however many features read it.
 */
export function featureProblems(start: ColdStart, build: Partial<BuildConstants>): string[] {
  const problems = RUNTIME_FEATURES.flatMap((feature) => feature.problems(start, build));
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const name = problem.split(':')[0] ?? problem;
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
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
    legacyKeys: settings.legacyKeys,
    ...telemetryOf('ec2trail'),
  });
  return { settings, policy, compiled, shared };
}
