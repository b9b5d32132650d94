/**
 * ec2trail's benchmark: each figure is measured against a baseline taken on the same machine in
 * the same run (these machines are shared and noisy), with tinybench doing the statistics.
 *
 *   npm run bench                 full run (what the README quotes)
 *   npm run bench -- --quick      about two minutes
 *   npm run bench -- --json       one JSON object on stdout
 *   npm run bench -- --only=cost,oneFile   some sections only (names in SECTIONS)
 *   npm run bench -- --only=oneFile --one-file-mb=200   the oneFile section's input size
 */

import { spawn, spawnSync } from 'node:child_process';
import {
  createWriteStream,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PublishCommand } from '@aws-sdk/client-sns';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { build } from 'esbuild';
import { Bench, type Task } from 'tinybench';
import { ensureTable, localClient, startDynamoDbLocal } from '../cli/local/dynamodb-local';
import { SnsAlertPublisher } from '../lambda/adapters/sns-alert-publisher';
import { type AttributionRecord, attribute, compilePolicy, entriesOf } from '../lambda/domain';
import { createHandler } from '../lambda/handler';
import { recordingDeps } from '../lambda/runtime/recording-deps';
import { toItem } from '../lambda/schema/attribution-table';
import { DEFAULT_POLICY_FILE, readPolicyFile } from '../lib/policy-file';
import { startFauxqsServer } from '../support/fauxqs-server';
import { buildLambdaBundle, sampleLambdaEnv } from '../support/lambda-bundle';
import { syntheticEvents, writeSyntheticTrail } from '../support/synthetic-trail';
import { benchCost, benchHotKeys, benchStorage } from './cost';
import { emulatorTopic } from './emulator-topic';
import { benchLocal } from './local';
import { sampleLocalTree, stopLocal } from './local-tree';
import { benchOwners } from './owners';
import { SILENT_LOG, SILENT_METRICS } from './silent';
import { benchTrailFile } from './trail-file';

const args = new Set(process.argv.slice(2));
const QUICK = args.has('--quick');
const SECTIONS = [
  'core',
  'inspect',
  'replay',
  'bundle',
  'handler',
  'cost',
  'hotKeys',
  'oneFile',
  'rss',
  'trailFile',
  'local',
  'owners',
] as const;
type Section = (typeof SECTIONS)[number];
const ONLY = onlySections([...args].find((arg) => arg.startsWith('--only='))?.slice('--only='.length));

function onlySections(list: string | undefined): readonly Section[] {
  if (list === undefined) return SECTIONS;
  const names = list.split(',').filter(Boolean);
  const unknown = names.filter((name) => !(SECTIONS as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    process.stderr.write(`bench: --only takes a comma-separated list of ${SECTIONS.join(', ')}\n`);
    process.exit(2);
  }
  return SECTIONS.filter((section) => names.includes(section));
}
const JSON_ONLY = args.has('--json');
const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'bin', 'ec2trail.mjs');
/** `--one-file-mb=N` sizes the oneFile section's input (the user ran 207 MB). */
function oneFileMb(fallback: number): number {
  const given = [...args].find((arg) => arg.startsWith('--one-file-mb='))?.slice('--one-file-mb='.length);
  const value = given === undefined ? fallback : Number(given);
  if (!Number.isInteger(value) || value <= 0) {
    process.stderr.write('bench: --one-file-mb takes a whole number of megabytes\n');
    process.exit(2);
  }
  return value;
}
const SIZES = QUICK
  ? {
      coreEvents: 10_000,
      inspectEvents: 20_000,
      replayEvents: 10_000,
      handlerEvents: 150,
      processRuns: 3,
      rssEvents: 10_000,
      costEvents: 1_000,
      oneFileMb: oneFileMb(32),
      trailBatches: 5,
    }
  : {
      coreEvents: 20_000,
      inspectEvents: 100_000,
      replayEvents: 100_000,
      handlerEvents: 1_000,
      processRuns: 5,
      rssEvents: 1_000_000,
      costEvents: 10_000,
      oneFileMb: oneFileMb(1_024),
      trailBatches: 30,
    };

function say(line: string): void {
  if (!JSON_ONLY) process.stderr.write(`${line}\n`);
}

function stats(task: Task | undefined) {
  const result = task?.result;
  if (!result || !('latency' in result)) throw new Error(`benchmark task ${task?.name} produced no result`);
  return result.latency;
}

/** Median wall time of a command, in ms, over `runs` runs. */
async function medianOfProcess(name: string, runs: number, command: () => void): Promise<number> {
  const bench = new Bench({ iterations: runs, time: 0, warmup: false });
  bench.add(name, command);
  await bench.run();
  return stats(bench.getTask(name)).p50;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** The core as it runs in production: bundled by esbuild (the Lambda and the CLI both are). */
async function bundledCore(): Promise<typeof import('../lambda/domain')> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'ec2trail-bench-core-')), 'core.cjs');
  await build({
    entryPoints: [join(ROOT, 'lambda', 'domain', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
  return require(outfile);
}

async function benchCore() {
  say(`core: ${SIZES.coreEvents} events`);
  const texts = [...syntheticEvents(SIZES.coreEvents, 3)].map((e) => e.text);
  const parsed = texts.map((t) => JSON.parse(t));
  const { attribute, compilePolicy, evaluate, parsePolicy } = await bundledCore();
  const policy = compilePolicy(parsePolicy(JSON.parse(readFileSync(DEFAULT_POLICY_FILE, 'utf8')), 'default'));
  let sink = 0;
  const bench = new Bench({ time: QUICK ? 1_500 : 4_000, warmupTime: 300 });
  bench.add('JSON.parse', () => {
    for (const text of texts) sink += JSON.parse(text) === null ? 0 : 1;
  });
  bench.add('core', () => {
    for (const event of parsed) {
      const result = attribute(event);
      if (result.kind === 'records') sink += evaluate(result.records, policy, {}).length;
    }
  });
  await bench.run();
  const core = stats(bench.getTask('core')).p50;
  const parse = stats(bench.getTask('JSON.parse')).p50;
  if (sink < 0) throw new Error('unreachable');
  return {
    coreUsPerEvent: round((core * 1000) / texts.length, 3),
    jsonParseUsPerEvent: round((parse * 1000) / texts.length, 3),
    coreRatioToJsonParse: round(core / parse, 3),
  };
}

async function benchInspect(trail: string, events: number) {
  say(`inspect: ${events} events in ${files(trail).length} gzipped trail files`);
  const reader = join(mkdtempSync(join(tmpdir(), 'ec2trail-bench-')), 'read.js');
  writeFileSync(
    reader,
    `const { readdirSync, readFileSync } = require('node:fs'); const { join } = require('node:path'); const { gunzipSync } = require('node:zlib');
     const walk = (d) => readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]);
     let n = 0; for (const f of walk(process.argv[2])) n += JSON.parse(gunzipSync(readFileSync(f))).Records.length;
     if (n === 0) process.exit(1);`,
  );
  const read = await medianOfProcess('read', SIZES.processRuns, () => {
    const r = spawnSync(process.execPath, [reader, trail], { stdio: 'ignore' });
    if (r.status !== 0) throw new Error('baseline reader failed');
  });
  const inspect = await medianOfProcess('inspect', SIZES.processRuns, () => {
    const r = spawnSync(process.execPath, [CLI, 'inspect', '--json', trail], { stdio: 'ignore' });
    if (r.status !== 0) throw new Error('inspect failed');
  });
  return {
    inspectEventsPerSec: Math.round(events / (inspect / 1000)),
    readEventsPerSec: Math.round(events / (read / 1000)),
    inspectRatioToRead: round(read / inspect, 3),
  };
}

/** The pids of a process and all its descendants (Linux /proc). */
function processTree(pid: number): number[] {
  const children: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const list = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (list) children.push(...list.split(/\s+/).map(Number));
    }
  } catch {
    // the process has exited
  }
  return [pid, ...children.flatMap(processTree)];
}

function peakRssKb(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Peak RSS of a command, all its processes together (the CLI runs bulk commands in a child), read from /proc (Linux). */
function runWithPeakRss(argv: readonly string[]): Promise<{ ms: number; peakRssMb: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let peakKb = 0;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const peaks = new Map<number, number>();
    const poll = setInterval(() => {
      for (const pid of child.pid ? processTree(child.pid) : [])
        peaks.set(pid, Math.max(peaks.get(pid) ?? 0, peakRssKb(pid)));
      peakKb = [...peaks.values()].reduce((a, b) => a + b, 0);
    }, 50);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      if (code !== 0) reject(new Error(`replay exited with ${code}: ${stderr}`));
      else resolve({ ms: performance.now() - started, peakRssMb: round(peakKb / 1024, 1), stderr });
    });
  });
}

/** `ec2trail replay` of a trail folder into a DynamoDB Local table, timed, with its peak memory. */
function replayWithPeakRss(trail: string, endpoint: string, table: string) {
  return runWithPeakRss([CLI, 'replay', trail, '--endpoint-url', endpoint, '--table', table]);
}

async function benchReplay(endpoint: string, trail: string, events: number) {
  say(`replay: ${events} events into DynamoDB Local, against raw BatchWriteItem of the same items`);
  const client = localClient(endpoint);
  await ensureTable(client, 'bench-replay');
  await ensureTable(client, 'bench-raw');
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

  // The floor: the very rows replay writes, prebuilt, written with BatchWriteItem at the same concurrency.
  // Building them (read, gunzip, parse, attribute, encode) is timed apart: replay does that work too.
  const buildStarted = performance.now();
  const records = new Map<string, AttributionRecord>();
  for (const file of files(trail)) {
    for (const entry of entriesOf(JSON.parse(gunzipSync(readFileSync(file)).toString()))) {
      if (entry.kind !== 'record') continue;
      const result = attribute(entry.record, entry.context);
      if (result.kind === 'records')
        for (const r of result.records) records.set(`${r.eventKey}|${r.instanceId}`, r);
    }
  }
  const now = new Date();
  const items = [...records.values()].map((r) => toItem(r, { ingestedBy: 'replay', now }));
  const buildMs = performance.now() - buildStarted;
  const rawStarted = performance.now();
  const batches: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  const writeAll = async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      let pending: Record<string, unknown>[] = batch.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const result = await documents.send(
          new BatchWriteCommand({ RequestItems: { 'bench-raw': pending as never } }),
        );
        pending = (result.UnprocessedItems?.['bench-raw'] ?? []) as Record<string, unknown>[];
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, writeAll));
  const rawMs = performance.now() - rawStarted;

  const replay = await replayWithPeakRss(trail, endpoint, 'bench-replay');
  client.destroy();
  return {
    replayEventsPerSec: Math.round(events / (replay.ms / 1000)),
    rawWriteEventsPerSec: Math.round(events / (rawMs / 1000)),
    replayRatioToRawWrite: round(rawMs / replay.ms, 3),
    // The same floor with the rows built in the same process first, one after the other.
    replayRatioToBuildAndRawWrite: round((buildMs + rawMs) / replay.ms, 3),
    replayRows: items.length,
    replayPeakRssMbAtReplaySize: replay.peakRssMb,
  };
}

async function benchBundle() {
  say('bundle: building the Lambda bundle as the stack does');
  const dir = mkdtempSync(join(tmpdir(), 'ec2trail-bench-bundle-'));
  const bundle = join(dir, 'index.mjs');
  await buildLambdaBundle(bundle);
  const empty = join(dir, 'empty.mjs');
  writeFileSync(empty, 'export {};\n');
  const importer = join(dir, 'import.mjs');
  writeFileSync(importer, 'await import(process.argv[2]);\n');
  const env = sampleLambdaEnv();
  const timeImport = (module: string) => () => {
    const r = spawnSync(process.execPath, [importer, module], { stdio: 'ignore', env });
    if (r.status !== 0) throw new Error(`importing ${module} failed`);
  };
  const bundleMs = await medianOfProcess('import bundle', 20, timeImport(bundle));
  const emptyMs = await medianOfProcess('import empty', 20, timeImport(empty));
  return {
    bundleBytes: statSync(bundle).size,
    initMs: round(bundleMs - emptyMs, 1),
    nodeStartMs: round(emptyMs, 1),
  };
}

async function benchHandler(dynamoEndpoint: string, snsEndpoint: string) {
  say(`handler: ${SIZES.handlerEvents} warm invocations against DynamoDB Local and the SNS emulator`);
  const client = localClient(dynamoEndpoint);
  await ensureTable(client, 'bench-handler');
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const { sns, topicArn: TopicArn } = await emulatorTopic(snsEndpoint, 'bench');
  const handle = createHandler({
    ...recordingDeps({
      documents,
      tableName: 'bench-handler',
      publisher: new SnsAlertPublisher(sns, TopicArn),
      logger: SILENT_LOG,
      metrics: SILENT_METRICS,
    }),
    policy: compilePolicy(readPolicyFile(DEFAULT_POLICY_FILE)),
  });
  // The same deploy with the two history rules off: what the lookups cost.
  const defaultPolicy = readPolicyFile(DEFAULT_POLICY_FILE);
  const { protectedInstances: _p, launchQuota: _q, ...statelessRules } = defaultPolicy.rules;
  await ensureTable(client, 'bench-handler-stateless');
  const handleStateless = createHandler({
    ...recordingDeps({
      documents,
      tableName: 'bench-handler-stateless',
      publisher: new SnsAlertPublisher(sns, TopicArn),
      logger: SILENT_LOG,
      metrics: SILENT_METRICS,
    }),
    policy: compilePolicy({ ...defaultPolicy, rules: statelessRules }),
  });
  const events = [...syntheticEvents(SIZES.handlerEvents * 3, 11)].map((e) => ({
    'detail-type': 'AWS API Call via CloudTrail',
    detail: JSON.parse(e.text),
  }));
  let next = 0;
  let alerting = 0;
  const bench = new Bench({ iterations: SIZES.handlerEvents, time: 0, warmupIterations: 20 });
  bench.add('handler', async () => {
    const result = await handle(events[next++ % events.length]);
    if (result.alert === 'sent') alerting++;
  });
  // The write alone: one real attribution row (launch details, actor, indexes), as the handler writes it.
  const sample = attribute(JSON.parse([...syntheticEvents(1, 12)][0]?.text ?? '{}'));
  const row =
    sample.kind === 'records' && sample.records[0]
      ? toItem(sample.records[0], { ingestedBy: 'live', now: new Date() })
      : null;
  if (!row) throw new Error('no sample row');
  let nextStateless = 0;
  bench.add('handler, no history rules', async () => {
    await handleStateless(events[nextStateless++ % events.length]);
  });
  let put = 0;
  bench.add('PutItem alone', async () => {
    await documents.send(
      new PutCommand({ TableName: 'bench-handler', Item: { ...row, instanceId: `bench-${put++}` } }),
    );
  });
  bench.add('Publish alone', async () => {
    await sns.send(
      new PublishCommand({
        TopicArn,
        Message: 'bench',
        MessageAttributes: { severity: { DataType: 'String', StringValue: 'info' } },
      }),
    );
  });
  await bench.run();
  const handler = stats(bench.getTask('handler'));
  const stateless = stats(bench.getTask('handler, no history rules'));
  const putP50 = stats(bench.getTask('PutItem alone')).p50;
  const publishP50 = stats(bench.getTask('Publish alone')).p50;
  client.destroy();
  sns.destroy();
  return {
    handlerP50Ms: round(handler.p50, 2),
    handlerP99Ms: round(handler.p99, 2),
    putItemP50Ms: round(putP50, 2),
    publishP50Ms: round(publishP50, 2),
    handlerP50RatioToSlowerCall: round(handler.p50 / Math.max(putP50, publishP50), 2),
    handlerNoHistoryRulesP50Ms: round(stateless.p50, 2),
    handlerNoHistoryRulesP50Ratio: round(stateless.p50 / Math.max(putP50, publishP50), 2),
    handlerAlertShare: round(alerting / (SIZES.handlerEvents + 20), 2),
  };
}

async function benchPeakRss(endpoint: string) {
  say(`memory: replaying ${SIZES.rssEvents.toLocaleString('en-US')} events`);
  const trail = mkdtempSync(join(tmpdir(), 'ec2trail-bench-rss-'));
  const perFile = 1_000;
  writeSyntheticTrail(trail, {
    files: Math.ceil(SIZES.rssEvents / perFile),
    eventsPerFile: perFile,
    seed: 99,
    duplicateRate: 0.1,
  });
  const client = localClient(endpoint);
  await ensureTable(client, 'bench-rss');
  client.destroy();
  const run = await replayWithPeakRss(trail, endpoint, 'bench-rss');
  return {
    replayPeakRssMb: run.peakRssMb,
    replayPeakRssEvents: SIZES.rssEvents,
    replayPeakRssEventsPerSec: Math.round(SIZES.rssEvents / (run.ms / 1000)),
  };
}

/**
 * `replay --local` of one NDJSON file of `SIZES.oneFileMb`, as a user runs it: a fresh folder,
 * so the command starts its own DynamoDB Local, and the memory of every process it involves.
 */
async function benchOneFile() {
  say(
    `memory: replay --local of one ${SIZES.oneFileMb} MB NDJSON file, the CLI, its store and Java sampled together`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'ec2trail-bench-onefile-'));
  const file = join(dir, 'trail.ndjson');
  const out = createWriteStream(file);
  let bytes = 0;
  let events = 0;
  const target = SIZES.oneFileMb * 1024 * 1024;
  const source = syntheticEvents(Number.MAX_SAFE_INTEGER, 31);
  while (bytes < target) {
    const next = source.next();
    if (next.done) break;
    const line = `${next.value.text}\n`;
    bytes += Buffer.byteLength(line);
    events++;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  try {
    const run = await sampleLocalTree(CLI, ['replay', '--local', file], dir);
    return {
      replayLocalTreePeakMb: run.peaks.treeMb,
      replayLocalCliPeakMb: run.peaks.cliMb,
      replayLocalJavaPeakMb: run.peaks.javaMb,
      replayLocalSupervisorPeakMb: run.peaks.supervisorMb,
      replayLocalSeconds: round(run.ms / 1000, 1),
      replayOneFileMb: round(bytes / 1024 / 1024, 1),
      replayOneFileEvents: events,
    };
  } finally {
    stopLocal(CLI, dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

const TARGETS: Record<string, (r: Record<string, number>) => boolean> = {
  coreRatioToJsonParse: (r) => (r.coreRatioToJsonParse ?? Infinity) <= 1,
  inspectRatioToRead: (r) => (r.inspectRatioToRead ?? 0) >= 0.5,
  replayRatioToRawWrite: (r) => (r.replayRatioToRawWrite ?? 0) >= 0.8,
  bundleBytes: (r) => (r.bundleBytes ?? Infinity) <= 400_000,
  initMs: (r) => (r.initMs ?? Infinity) <= 40,
  handlerP50RatioToSlowerCall: (r) => (r.handlerP50RatioToSlowerCall ?? Infinity) <= 1.5,
  replayPeakRssMb: (r) => (r.replayPeakRssMb ?? Infinity) <= 250,
  costPerMillionEventsUsd: (r) => (r.costPerMillionEventsUsd ?? Infinity) <= 2,
  hotKeyPeakWcu: (r) => (r.hotKeyPeakWcu ?? Infinity) <= 500,
  // Issue 33: replay --local as a user runs it, whatever the input's size.
  replayLocalCliPeakMb: (r) => (r.replayLocalCliPeakMb ?? Infinity) <= 250,
  replayLocalTreePeakMb: (r) => (r.replayLocalTreePeakMb ?? Infinity) <= 600,
  // Issue 29: every --local query after the first answers in a second, the first in five.
  localWhoWarmS: (r) => (r.localWhoWarmS ?? Infinity) <= 1,
  localWhoColdS: (r) => (r.localWhoColdS ?? Infinity) <= 5,
  // Issue 32: 1,000 instances in 4 regions, 200 unknown to the table, named in under a minute.
  ownersWallS: (r) => (r.ownersWallS ?? Infinity) <= 60,
};

async function main(): Promise<void> {
  // Measure the CLI as npm ci leaves it: bundled, not compiled on the fly from stale sources.
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-cli.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('building the CLI bundle failed');
  // The SDK warns on every client that its 2027 releases need Node.js 22; it is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const started = performance.now();
  const [dynamo, fauxqs] = await Promise.all([startDynamoDbLocal(), startFauxqsServer()]);
  try {
    type Figures = Record<string, number | string>;
    const sections: Record<Section, () => Promise<Figures> | Figures> = {
      core: benchCore,
      inspect: () => {
        const trail = mkdtempSync(join(tmpdir(), 'ec2trail-bench-inspect-'));
        writeSyntheticTrail(trail, { files: SIZES.inspectEvents / 500, eventsPerFile: 500, seed: 5 });
        return benchInspect(trail, SIZES.inspectEvents);
      },
      replay: () => {
        const trail = mkdtempSync(join(tmpdir(), 'ec2trail-bench-replay-'));
        writeSyntheticTrail(trail, { files: SIZES.replayEvents / 250, eventsPerFile: 250, seed: 6 });
        return benchReplay(dynamo.endpoint, trail, SIZES.replayEvents);
      },
      bundle: benchBundle,
      handler: () => benchHandler(dynamo.endpoint, fauxqs.endpoint),
      cost: async () => {
        say(
          `cost: ${SIZES.costEvents} events through the live handler and through replay, units as DynamoDB reports them`,
        );
        const cost = await benchCost(dynamo.endpoint, fauxqs.endpoint, SIZES.costEvents);
        return { ...cost, ...benchStorage(SIZES.costEvents, cost) };
      },
      hotKeys: () => {
        say('hot keys: the organization-scale workloads, write units per partition key per second');
        return benchHotKeys();
      },
      oneFile: benchOneFile,
      // The quick run takes the replay section's own peak instead of replaying a million events.
      rss: () => (QUICK ? {} : benchPeakRss(dynamo.endpoint)),
      trailFile: () => {
        say(
          `trail files: ${SIZES.trailBatches} batches of 10 log files from the S3 emulator, backfilled, recovered, then read again`,
        );
        return benchTrailFile(dynamo.endpoint, fauxqs.endpoint, SIZES.trailBatches);
      },
      local: () => benchLocal(CLI, ROOT, QUICK ? 3 : 10, say),
      owners: () =>
        benchOwners(
          dynamo.endpoint,
          QUICK ? { instances: 200, unknown: 40 } : { instances: 1000, unknown: 200 },
          say,
        ),
    };
    const measured: Figures = {};
    for (const section of ONLY) Object.assign(measured, await sections[section]());
    if (QUICK && 'replayPeakRssMbAtReplaySize' in measured)
      Object.assign(measured, {
        replayPeakRssMb: measured.replayPeakRssMbAtReplaySize,
        replayPeakRssEvents: SIZES.replayEvents,
      });
    const results: Record<string, number | boolean | string> = {
      mode: QUICK ? 'quick' : 'full',
      ...(ONLY.length < SECTIONS.length ? { sections: ONLY.join(',') } : {}),
      ...measured,
      seconds: round((performance.now() - started) / 1000, 1),
    };
    const numeric = Object.fromEntries(
      Object.entries(results).filter(([, v]) => typeof v === 'number'),
    ) as Record<string, number>;
    // A partial run (--only) judges only the figures it measured.
    const met = Object.fromEntries(
      Object.entries(TARGETS)
        .filter(([key]) => ONLY.length === SECTIONS.length || key in numeric)
        .map(([key, check]) => [key, check(numeric)]),
    );
    if (JSON_ONLY) {
      process.stdout.write(`${JSON.stringify({ ...results, targetsMet: met })}\n`);
    } else {
      const width = Math.max(...Object.keys(results).map((k) => k.length));
      for (const [key, value] of Object.entries(results)) {
        const mark = key in met ? (met[key] ? '  target met' : '  TARGET MISSED') : '';
        process.stdout.write(`${key.padEnd(width)}  ${String(value).padStart(12)}${mark}\n`);
      }
    }
  } finally {
    await Promise.all([dynamo.stop(), fauxqs.stop()]);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
