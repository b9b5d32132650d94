/** Builds the Lambda bundle exactly as the stack does, for the benchmark and the bundle test. */

import { build } from 'esbuild';
import {
  ESM_REQUIRE_BANNER,
  LAMBDA_ALIASES,
  LAMBDA_ENTRY,
  LAMBDA_TARGET,
  lambdaDefines,
} from '../lib/lambda-bundling';
import { DEFAULT_POLICY_FILE, readPolicyFile } from '../lib/policy-file';

export async function buildLambdaBundle(
  outfile: string,
  options: { readonly accountNames?: boolean } = {},
): Promise<void> {
  await build({
    entryPoints: [LAMBDA_ENTRY],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: LAMBDA_TARGET,
    minify: true,
    sourcemap: true,
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    define: lambdaDefines(readPolicyFile(DEFAULT_POLICY_FILE), options),
    alias: { ...LAMBDA_ALIASES },
    logLevel: 'warning',
  });
}
