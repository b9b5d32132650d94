/**
 * Builds a function's bundle exactly as the stack does (the attribution function's unless another
 * entry is named), for the benchmark and the tests that run a bundle.
 */

import { build } from 'esbuild';
import { type BuildConstants, buildDefines } from '../lambda/settings/build';
import { BUILD_WHEN_OFF } from '../lib/features';
import { ESM_REQUIRE_BANNER, LAMBDA_ALIASES, LAMBDA_ENTRY, LAMBDA_TARGET } from '../lib/lambda-bundling';
import { DEFAULT_POLICY_FILE, readPolicyFile } from '../lib/policy-file';

export async function buildLambdaBundle(
  outfile: string,
  options: Partial<Omit<BuildConstants, 'policy'>> = {},
  entry = LAMBDA_ENTRY,
): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: LAMBDA_TARGET,
    minify: true,
    sourcemap: true,
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    // The default deploy puts violations on the bus (config violationEvents): so does this bundle.
    define: buildDefines({
      policy: readPolicyFile(DEFAULT_POLICY_FILE),
      accountNames: false,
      ...BUILD_WHEN_OFF,
      violationEvents: true,
      ...options,
    }),
    alias: { ...LAMBDA_ALIASES },
    logLevel: 'warning',
  });
}

/** An environment the bundle starts in with no AWS behind it: the benchmark and the bundle test load it so. */
export function sampleLambdaEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    TABLE_NAME: 'attribution',
    TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:alerts',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'x',
    AWS_SECRET_ACCESS_KEY: 'x',
    // Lambda runs Node.js 24, where the SDK has no Node.js 20 deprecation warning to print.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}
