import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PolicyError } from '../lambda/domain/policy/load';
import {
  actionGroups,
  applyOverrides,
  CONFIG_FILE_KEY,
  ConfigError,
  contextFields,
  type Ec2TrailConfig,
  homeBusArnOf,
  parseConfig,
} from './config';
import { DEFAULT_CONFIG_FILE } from './config-file';
import { Ec2TrailStack } from './ec2trail-stack';
import { featureConflicts } from './features';
import { LogArchiveStack } from './features/trail-path/log-archive-stack';
import { trailIsRemote, trailRoleNames } from './features/trail-path/trail-path';
import { ForwarderStack } from './forwarder-stack';
import { DEFAULT_POLICY_FILE, readPolicyFile } from './policy-file';

/** Reads the config file named by `-c config=…` (default `ec2trail.config.json`, optional) and the context overrides. */
export function loadConfig(app: App, cwd = process.cwd()): Ec2TrailConfig {
  const named = app.node.tryGetContext(CONFIG_FILE_KEY);
  const file = resolve(cwd, typeof named === 'string' ? named : DEFAULT_CONFIG_FILE);
  let raw: unknown = {};
  if (existsSync(file)) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ConfigError(file, [
        `not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      ]);
    }
  } else if (typeof named === 'string') {
    throw new ConfigError(file, ['the file does not exist']);
  }
  const context = app.node.getAllContext();
  // A file that does not exist is not named: the mistake is then in a -c value or a default.
  const source = existsSync(file) ? file : '-c values and defaults';
  return parseConfig(applyOverrides(raw, context), source, contextFields(context));
}

/** Errors that are the user's to fix, reported without a stack trace. */
export function isUserError(error: unknown): error is ConfigError | PolicyError {
  return error instanceof ConfigError || error instanceof PolicyError;
}

/** Builds the whole app: the home stack, a forwarder stack per other region, and the cdk-nag checks. */
export function buildApp(app: App, config: Ec2TrailConfig, cwd = process.cwd()): Ec2TrailStack {
  const policyFile = config.policyFile ? resolve(cwd, config.policyFile) : DEFAULT_POLICY_FILE;
  const policy = readPolicyFile(policyFile);
  // Checked together: each is valid alone, but a feature may not contradict the policy.
  const conflicts = featureConflicts(config, policy);
  if (conflicts.length > 0) throw new ConfigError(`the config with ${policyFile}`, conflicts);
  const account = config.account ?? process.env.CDK_DEFAULT_ACCOUNT;
  const region = config.region ?? process.env.CDK_DEFAULT_REGION;
  const stack = new Ec2TrailStack(app, config.stackName, {
    config,
    policy,
    description: 'ec2trail: EC2 lifecycle attribution from CloudTrail, with policy alerts',
    env: { account, region },
  });
  const others = (config.regions ?? []).filter((r) => r !== config.region);
  if (others.length > 0 && account && region) {
    const homeBusArn = homeBusArnOf(account, region);
    for (const other of others) {
      const forwarder = new ForwarderStack(app, `${config.stackName}-Forwarder-${other}`, {
        homeBusArn,
        actionGroups: actionGroups(config),
        env: { account, region: other },
        description: `ec2trail: forwards ${other}'s EC2 lifecycle and trail calls to ${region}`,
      });
      forwarder.addStackDependency(stack);
    }
  }
  const trail = config.trail;
  if (trail && account && region && trailIsRemote(trail, config.account, config.region)) {
    const archive = new LogArchiveStack(app, `${config.stackName}-LogArchive`, {
      trail,
      homeBusArn: homeBusArnOf(account, region),
      homeAccount: account,
      roleNames: trailRoleNames(config.stackName, region),
      env: { account: trail.account ?? account, region: trail.region ?? region },
      description: `ec2trail: forwards new log files of s3://${trail.bucket} to ${account}/${region}`,
    });
    archive.addStackDependency(stack);
  }
  // Every taggable resource of every stack, so cost reports and access policies can key on them.
  for (const [key, value] of Object.entries(config.tags)) Tags.of(app).add(key, value);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
