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

/**
 * CDK skips asset bundling for stacks outside this context list (what `cdk synth --exclusively`
 * uses). An empty list synthesizes every template in full but runs no esbuild: bundling is the
 * subject of only a few tests, and it costs seconds per function and variant.
 */
const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

export interface AppOptions {
  /** Bundle the functions with esbuild, as `cdk deploy` does. @default false */
  readonly bundle?: boolean;
  /** Prefix of the fresh output folder. @default 'ec2trail-cdk-' */
  readonly prefix?: string;
  /** More context, as `-c` gives it. @default none */
  readonly context?: Record<string, unknown>;
}

/** A CDK app as `cdk deploy` builds it: cdk.json's feature flags, a fresh output folder. */
export function deployApp(options: AppOptions = {}): App {
  return new App({
    outdir: mkdtempSync(join(tmpdir(), options.prefix ?? 'ec2trail-cdk-')),
    context: { ...deployContext(), ...(options.bundle ? {} : NO_BUNDLING), ...options.context },
  });
}

/** A bare CDK app (no cdk.json flags), without bundling unless asked. */
export function bareApp(options: AppOptions = {}): App {
  return new App({
    outdir: mkdtempSync(join(tmpdir(), options.prefix ?? 'ec2trail-cdk-')),
    context: { ...(options.bundle ? {} : NO_BUNDLING), ...options.context },
  });
}

/** The last synth, kept for the next call with the same variant; one app at a time, since each holds hundreds of megabytes. */
let last: { key: string; result: { app: App; template: Template } } | undefined;

/**
 * Synthesizes the real app and returns the template. Consecutive calls for the same variant
 * (the describe blocks of one deploy) share one synth. Bundles only with `{ bundle: true }`.
 */
export function synthesize(
  overrides: object = {},
  options: AppOptions = {},
): { app: App; template: Template } {
  const key = JSON.stringify([overrides, options]);
  if (last?.key === key) return last.result;
  last = undefined;
  const app = deployApp(options);
  // The CDK bundles as it builds the functions' assets, in the constructs.
  const build = () => Template.fromStack(buildApp(app, testConfig(overrides)));
  const result = { app, template: options.bundle ? quietly(build) : build() };
  last = { key, result };
  return result;
}

/** Runs `work` without the "Bundling asset …" lines the CDK writes to stderr for each function. */
function quietly<T>(work: () => T): T {
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
    /^Bundling asset /.test(String(chunk))
      ? true
      : (write as (...args: unknown[]) => boolean).call(process.stderr, chunk, ...rest)) as typeof write;
  try {
    return work();
  } finally {
    process.stderr.write = write;
  }
}
