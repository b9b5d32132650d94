import { type ChildProcessByStdio, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { trackTable } from './tables';

export const ROOT = join(__dirname, '..', '..');
const ENTRY = join(ROOT, 'bin', 'ec2trail.mjs');

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Folders whose embedded store a test's `--local` commands may have left warm. */
const warmFolders = new Set<string>();

/**
 * The environment a test's command runs in. A COLUMNS exported by the shell would narrow the
 * tables tests compare: only a test sets it. A warm store that a test forgets to stop ends
 * after a minute.
 */
function testEnv(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  return { ...process.env, COLUMNS: '', EC2TRAIL_LOCAL_IDLE_MINUTES: '1', ...env };
}

/**
 * Where a `--local` command keeps its rows. In an integration file, the run's shared DynamoDB
 * Local, one table per working folder (EC2TRAIL_LOCAL_ENDPOINT and EC2TRAIL_LOCAL_TABLE, as a
 * user with a DynamoDB Local of their own sets them): one Java for the whole run instead of one
 * per folder. Elsewhere the folder's own warm store, which test/helpers/stop-local.ts stops;
 * test/cli/local-mode.test.ts tests that store itself.
 */
function localStore(
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv | undefined,
): NodeJS.ProcessEnv {
  if (!args.includes('--local') || env?.EC2TRAIL_LOCAL_ENDPOINT !== undefined) return {};
  // Workers inherit the run's endpoint whatever their project: the file's name decides.
  const integration = /\.(int|slow)\.test\.ts$/.test(expect.getState().testPath ?? '');
  const shared = process.env.EC2TRAIL_TEST_DYNAMODB_ENDPOINT;
  if (!integration || !shared) {
    warmFolders.add(cwd);
    return {};
  }
  const table = `local-${createHash('sha256').update(cwd).digest('hex').slice(0, 12)}`;
  trackTable(table);
  return { EC2TRAIL_LOCAL_ENDPOINT: shared, EC2TRAIL_LOCAL_TABLE: table };
}

/** Runs the real `ec2trail` command in a child process. */
export function runCli(
  args: readonly string[],
  options: { input?: string | Buffer; cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): CliResult {
  const cwd = options.cwd ?? ROOT;
  const result = spawnSync(process.execPath, [ENTRY, ...args], {
    cwd,
    input: options.input,
    encoding: 'utf8',
    env: testEnv({ ...localStore(args, cwd, options.env), ...options.env }),
    timeout: options.timeoutMs ?? 120_000,
  });
  // A guard against a hang says so, rather than leaving a bare "Received: null" to puzzle over.
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT')
    throw new Error(`ec2trail ${args.join(' ')}: timed out after ${(options.timeoutMs ?? 120_000) / 1000} s`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Stops the warm stores this test file's commands started (test/helpers/stop-local.ts). */
export function stopWarmStores(): void {
  for (const cwd of warmFolders)
    spawnSync(process.execPath, [ENTRY, 'local', 'stop'], { cwd, timeout: 30_000 });
  warmFolders.clear();
}

export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line));
}

/**
 * What a child prints, once it exits, without blocking this process (so that a test can serve
 * it, from here, a local HTTP endpoint standing in for an AWS API). A hang is killed and reported.
 */
export function outputOf(
  child: ChildProcessByStdio<null, Readable, Readable>,
  what: string,
  hangMs = 120_000,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what}: timed out after ${hangMs / 1000} s`));
    }, hangMs);
    child.once('exit', (status) => {
      clearTimeout(guard);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Runs the real `ec2trail` command in a child process, without blocking this one. */
export function runCliAsync(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; hangMs?: number } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [ENTRY, ...args], {
    cwd: options.cwd ?? ROOT,
    env: testEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return outputOf(child, `ec2trail ${args.join(' ')}`, options.hangMs);
}

/**
 * Runs an `ec2trail` command line in this process (no child, no Node start-up), with the
 * working folder and environment it names for the duration, and returns what it printed.
 * For commands that read stdin, and for exit codes, signals and stdio themselves, use runCli.
 */
export async function runInProcess(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  const cwd = options.cwd ?? ROOT;
  const env = {
    COLUMNS: '',
    EC2TRAIL_LOCAL_IDLE_MINUTES: '1',
    ...localStore(args, cwd, options.env),
    ...options.env,
  };
  const saved = new Map(Object.keys(env).map((key) => [key, process.env[key]]));
  const savedCwd = process.cwd();
  let stdout = '';
  let stderr = '';
  const columns = Number(env.COLUMNS);
  try {
    for (const [key, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    process.chdir(cwd);
    const { main } = await import('../../cli/main');
    const status = await main(args, {
      isTTY: false,
      ...(Number.isInteger(columns) && columns > 0 ? { columns } : {}),
      out: async (text) => {
        stdout += text;
      },
      err: (line) => {
        stderr += `${line}\n`;
      },
    });
    return { status, stdout, stderr };
  } finally {
    process.chdir(savedCwd);
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
