import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app';
import { type Ec2TrailConfig, parseConfig } from '../../lib/config';

export function testConfig(overrides: object = {}): Ec2TrailConfig {
  return parseConfig({ account: '111122223333', region: 'eu-west-1', ...overrides }, 'test');
}

/** Synthesizes the real app (bundling the function with esbuild) and returns the template. */
export function synthesize(overrides: object = {}): { app: App; template: Template } {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'ec2trail-cdk-')) });
  const stack = buildApp(app, testConfig(overrides));
  return { app, template: Template.fromStack(stack) };
}
