/** How the Lambda is bundled: one definition for the CDK construct and the benchmark. */

import { join } from 'node:path';
import { type BundlingOptions, LogLevel, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { PROJECT_ROOT } from './project-root';

/**
 * The functions' TypeScript sources: esbuild bundles them at synth, in this repository and in
 * an app that installed the package (which ships them beside the compiled library).
 */
const LAMBDA_ROOT = join(PROJECT_ROOT, 'lambda');

/** The attribution function's entry point. */
export const LAMBDA_ENTRY = join(LAMBDA_ROOT, 'index.ts');

/** The trail-file function's entry point. */
export const TRAIL_FILE_ENTRY = join(LAMBDA_ROOT, 'trail', 'index.ts');

/** The remediation function's entry point. */
export const REMEDIATION_ENTRY = join(LAMBDA_ROOT, 'remediation', 'index.ts');

/** The alarm relay's entry point. */
export const ALARM_RELAY_ENTRY = join(LAMBDA_ROOT, 'alarm-relay', 'index.ts');
/** The scheduled digest function. */
export const DIGEST_ENTRY = join(LAMBDA_ROOT, 'digest', 'index.ts');

/** The scheduled inventory function. */
export const INVENTORY_ENTRY = join(LAMBDA_ROOT, 'inventory', 'index.ts');

/** esbuild's node target for the Lambda runtime (nodejs24.x). */
export const LAMBDA_TARGET = 'node24';

/** Some dependencies still call require(); an ESM bundle needs it defined. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __ec2trailRequire } from 'node:module'; const require = __ec2trailRequire(import.meta.url);";

/**
 * Module swaps for the bundle: Lambda supplies credentials in the environment, so the SDK's
 * full provider chain (and the STS and SSO clients it carries) is replaced by the env provider;
 * and no function calls an operation that streams events, so that codec is left out.
 */
export const LAMBDA_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': join(LAMBDA_ROOT, 'runtime', 'env-credentials.ts'),
  '@smithy/core/event-streams': join(LAMBDA_ROOT, 'runtime', 'no-event-streams.ts'),
};

/** The esbuild options of every ec2trail function: minified ESM with source maps, for nodejs24.x. */
export function bundlingOptions(define: Record<string, string> = {}): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    // esbuild's size summary per function is noise in a synth; its warnings and errors are not.
    logLevel: LogLevel.WARNING,
    minify: true,
    sourceMap: true,
    target: LAMBDA_TARGET,
    mainFields: ['module', 'main'],
    banner: ESM_REQUIRE_BANNER,
    externalModules: [],
    define,
    esbuildArgs: Object.fromEntries(
      Object.entries(LAMBDA_ALIASES).map(([from, to]) => [`--alias:${from}`, to]),
    ),
  };
}
