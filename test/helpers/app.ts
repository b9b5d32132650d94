import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app';
import { type Ec2TrailConfig, parseConfig } from '../../lib/config';

export function testConfig(overrides: object = {}): Ec2TrailConfig {
  return parseConfig({ account: '111122223333', region: 'eu-west-1', ...overrides }, 'test');
}

/** cdk.json's context: the feature flags `cdk deploy` synthesizes with. */
export function deployContext(): Record<string, unknown> {
  return (
    JSON.parse(readFileSync(join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as {
      context: Record<string, unknown>;
    }
  ).context;
}

/** A CDK app as `cdk deploy` builds it: cdk.json's feature flags, a fresh output folder. */
export function deployApp(prefix = 'ec2trail-cdk-'): App {
  return new App({ outdir: mkdtempSync(join(tmpdir(), prefix)), context: deployContext() });
}

/** Synthesizes the real app (bundling the function with esbuild) and returns the template. */
export function synthesize(overrides: object = {}): { app: App; template: Template } {
  const app = deployApp();
  const stack = buildApp(app, testConfig(overrides));
  return { app, template: Template.fromStack(stack) };
}
