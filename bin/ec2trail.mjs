#!/usr/bin/env node
// The ec2trail CLI entry. It runs the bundle that `npm ci` builds (dist/ec2trail.cjs) when the
// bundle is newer than every source file, and the TypeScript sources through tsx otherwise, so
// an edit is never run stale.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireNode } from './node-version.mjs';

requireNode('ec2trail');

const here = fileURLToPath(import.meta.url);
const root = join(dirname(here), '..');
const bundle = join(root, 'dist', 'ec2trail.cjs');

// Bulk commands stream millions of events: a bounded heap makes V8 collect as it goes, so memory
// stays flat instead of growing with garbage. They run in a child node with that limit, and with
// a small young generation: by default V8 lets short-lived objects take tens of MB, most of
// a replay's peak (replay --local of 32 MB of NDJSON: the CLI peaked at 236 MB with the default,
// 121 MB with 4 MB semi-spaces, and finished sooner; docs/performance.md).
const BULK = new Set(['replay', 'backfill', 'drain']);
if (BULK.has(process.argv[2]) && !process.execArgv.some((a) => a.startsWith('--max-old-space-size'))) {
  const heapMb = Number(process.env.EC2TRAIL_MAX_HEAP_MB ?? 160);
  const child = spawn(
    process.execPath,
    [
      `--max-old-space-size=${heapMb}`,
      '--max-semi-space-size=4',
      ...process.execArgv,
      here,
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit', env: { ...process.env, EC2TRAIL_LAUNCHER_PID: String(process.pid) } },
  );
  // A signal sent to this process alone (`timeout`, `kill`) reaches the command too, which stops
  // cleanly; this process waits for it and ends with its status, so nothing is left running.
  for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(name, () => child.kill(name));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
} else {
  await main();
}

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsFresh() {
  // An installed package ships the bundle and no CLI sources; npm gives its files the time they
  // were unpacked, so their times say nothing there.
  if (!existsSync(join(root, 'cli'))) return true;
  try {
    const built = statSync(bundle).mtimeMs;
    return ['cli', 'lambda', 'lib', 'policy'].every((dir) => newestSource(join(root, dir)) <= built);
  } catch {
    return false;
  }
}

async function main() {
  // Started by the launcher above: should the launcher be killed outright, stop as on SIGTERM
  // instead of running on, orphaned.
  const launcher = Number(process.env.EC2TRAIL_LAUNCHER_PID);
  if (launcher > 0) {
    const watch = setInterval(() => {
      if (process.ppid === launcher) return;
      clearInterval(watch);
      process.kill(process.pid, 'SIGTERM');
    }, 1_000);
    watch.unref();
  }
  // The SDK warns on every run that its 2027 releases will need Node.js 22; the CLI supports 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const require = createRequire(import.meta.url);
  if (bundleIsFresh() && !process.env.EC2TRAIL_FROM_SOURCES) {
    require(bundle);
  } else {
    const { register } = await import('tsx/cjs/api');
    register();
    require('../cli/entry.ts');
  }
}
