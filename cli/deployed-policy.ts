/**
 * Which policy a CLI command judges events with. The deployed function bundles the file named by
 * the deploy config's `policyFile` (default: the shipped default policy); commands that alert as
 * the function would (`drain`, `replay --alerts`) must use that same file, and say which it is.
 */

import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE } from '../lib/config-file';
import { DEFAULT_POLICY_FILE } from '../lib/policy-file';
import { UsageError } from './errors';

export interface PolicyChoice {
  /** The file to read. */
  readonly path: string;
  /** Why that one, in words for the user. */
  readonly reason: string;
  /** Named by the deploy config, not by the user on this command line nor the default. */
  readonly fromConfig?: true;
}

/**
 * `--policy` first; else the `policyFile` of the deploy config (`--config FILE`, or
 * ec2trail.config.json in the working directory, as `cdk deploy` reads it); else the default.
 */
export function choosePolicy(
  explicit: string | undefined,
  configFile: string | undefined,
  cwd = process.cwd(),
): PolicyChoice {
  if (explicit) return { path: explicit, reason: 'given with --policy' };
  const config = readDeployConfig(configFile, cwd);
  if (!config)
    return {
      path: DEFAULT_POLICY_FILE,
      reason: `the default policy: no ${DEFAULT_CONFIG_FILE} here names a policyFile; pass --policy FILE if the deploy used -c policyFile=`,
    };
  const { shown } = config;
  const policyFile = config.json?.policyFile;
  if (typeof policyFile === 'string' && policyFile.length > 0)
    // Relative to the working directory, as `cdk deploy` resolves it.
    return {
      path: resolve(cwd, policyFile),
      reason: `policyFile of ${shown}, the policy cdk deploy bundles`,
      fromConfig: true,
    };
  return { path: DEFAULT_POLICY_FILE, reason: `the default policy: ${shown} names no policyFile` };
}

export interface DeployConfigFile {
  /** The file, as the user would name it. */
  readonly shown: string;
  /** Its content: an object, or null when it holds something else (then it names nothing). */
  readonly json: Record<string, unknown> | null;
}

/**
 * The deploy config (`--config FILE`, else ec2trail.config.json in the working directory, as
 * `cdk deploy` reads it), or null when there is none. A named file that is missing or not JSON is
 * the user's mistake, said as such.
 */
export function readDeployConfig(
  configFile: string | undefined,
  cwd = process.cwd(),
): DeployConfigFile | null {
  const config = resolve(cwd, configFile ?? DEFAULT_CONFIG_FILE);
  const shown = relative(cwd, config) || config;
  if (!existsSync(config)) {
    if (configFile) throw new UsageError(`--config ${configFile}: the file does not exist`);
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(config, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `${shown} is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return {
    shown,
    json:
      typeof json === 'object' && json !== null && !Array.isArray(json)
        ? (json as Record<string, unknown>)
        : null,
  };
}

/** The line a command prints before judging events, so nobody wonders which rules spoke. */
export function policyLine(choice: PolicyChoice, cwd = process.cwd()): string {
  const shown = relative(cwd, choice.path);
  return `ec2trail: policy ${shown.startsWith('..') ? choice.path : shown} (${choice.reason})`;
}
