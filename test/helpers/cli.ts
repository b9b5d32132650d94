import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

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

/** Runs the real `ec2trail` command in a child process. */
export function runCli(
  args: readonly string[],
  options: { input?: string | Buffer; cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): CliResult {
  const cwd = options.cwd ?? ROOT;
  if (args.includes('--local')) warmFolders.add(cwd);
  const result = spawnSync(process.execPath, [ENTRY, ...args], {
    cwd,
    input: options.input,
    encoding: 'utf8',
    env: testEnv(options.env),
    timeout: options.timeoutMs ?? 120_000,
  });
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
