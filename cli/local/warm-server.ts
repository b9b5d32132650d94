/**
 * The embedded store, kept warm per working folder: the first `--local` command starts a
 * DynamoDB Local under a small supervisor and leaves it running; later commands in the same
 * folder find it through `.ec2trail/server.json` and answer without starting Java again.
 *
 * The supervisor is a detached `ec2trail local serve` process. It owns Java through the
 * watchdog of `startDynamoDbLocal` (Java ends when the supervisor ends, however it ends) and
 * serves clients through a loopback TCP relay, which is how it sees activity from any client,
 * the AWS CLI included. After `idleMinutes` with no connection open and no byte relayed, or on
 * `ec2trail local stop`, it stops Java, removes the state file and exits.
 */

import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { PROJECT_ROOT } from '../../lib/project-root';
import { UserFacingError } from '../errors';
import { localClient } from './dynamodb-local';

/** The folder that holds a working folder's store, its state file and the supervisor's log. */
export function localHome(cwd: string): string {
  return join(cwd, '.ec2trail');
}

/** @default 15 minutes; EC2TRAIL_LOCAL_IDLE_MINUTES changes it (fractions allowed). */
export const DEFAULT_IDLE_MINUTES = 15;

export function idleMinutesFrom(env: NodeJS.ProcessEnv): number {
  const raw = env.EC2TRAIL_LOCAL_IDLE_MINUTES;
  if (raw === undefined || raw === '') return DEFAULT_IDLE_MINUTES;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 24 * 60)
    throw new UserFacingError(
      `EC2TRAIL_LOCAL_IDLE_MINUTES="${raw}" is not a number of minutes between 0 and 1440 (e.g. 15 or 0.5)`,
    );
  return value;
}

const ServerState = z.object({
  /** The supervisor's pid: the process `local stop` signals. */
  pid: z.number().int().positive(),
  /** Java's pid, so that a supervisor that hangs can still be cleaned up. */
  javaPid: z.number().int().positive().nullable(),
  endpoint: z.string().url(),
  dataDir: z.string(),
  startedAt: z.string(),
  idleMinutes: z.number().positive(),
});
export type ServerState = z.infer<typeof ServerState>;

const STATE_FILE = 'server.json';
const LOCK_FILE = 'server.lock';
export const SERVER_LOG = 'server.log';

export function readState(home: string): ServerState | null {
  try {
    const parsed = ServerState.safeParse(JSON.parse(readFileSync(join(home, STATE_FILE), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Written whole or not at all: a reader never sees half a file. */
export function writeState(home: string, state: ServerState): void {
  const temporary = join(home, `${STATE_FILE}.${process.pid}`);
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, join(home, STATE_FILE));
}

/** Removes the state file if it still names this supervisor (a newer one may have replaced it). */
export function clearState(home: string, pid: number): void {
  if (readState(home)?.pid !== pid) return;
  try {
    unlinkSync(join(home, STATE_FILE));
  } catch {
    // Already gone.
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The endpoint answers a ListTables within the time given. */
export async function answers(endpoint: string, timeoutMs: number): Promise<boolean> {
  const client = localClient(endpoint);
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(timeoutMs) });
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

/** A running supervisor whose relay answers, or null (nothing runs, or what runs is broken). */
export async function liveServer(home: string, timeoutMs = 2_000): Promise<ServerState | null> {
  const state = readState(home);
  if (!state || !isAlive(state.pid)) return null;
  return (await answers(state.endpoint, timeoutMs)) ? state : null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One starter at a time per folder: the lock file is created exclusively and holds its
 * creator's pid. A lock whose creator is gone, or that is older than a start can take, is stale.
 */
async function withLock<T>(home: string, work: () => Promise<T>): Promise<T> {
  const lock = join(home, LOCK_FILE);
  const deadline = Date.now() + 90_000;
  // The lock appears whole or not at all: its pid is written first, then linked into place
  // (link fails if the name exists), so a reader never takes a half-written lock for a stale one.
  const mine = `${lock}.${process.pid}`;
  writeFileSync(mine, String(process.pid));
  try {
    for (;;) {
      try {
        linkSync(mine, lock);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (lockIsStale(lock)) {
          try {
            unlinkSync(lock);
          } catch {
            // Another waiter removed it first.
          }
          continue;
        }
        if (Date.now() > deadline)
          throw new UserFacingError(
            `another ec2trail command has been starting the embedded store for 90 s (${lock})`,
          );
        await sleep(100);
      }
    }
  } finally {
    unlinkSync(mine);
  }
  try {
    return await work();
  } finally {
    try {
      if (readFileSync(lock, 'utf8') === String(process.pid)) unlinkSync(lock);
    } catch {
      // Gone already.
    }
  }
}

function lockIsStale(lock: string): boolean {
  try {
    const holder = Number(readFileSync(lock, 'utf8'));
    const age = Date.now() - statSync(lock).mtimeMs;
    return !(holder > 0 && isAlive(holder)) || age > 80_000;
  } catch {
    // It went away meanwhile: try again.
    return true;
  }
}

/** Ends a supervisor: SIGTERM, then SIGKILL to it and its Java if they are still there after a while. */
export async function stopServer(state: ServerState, graceMs = 10_000): Promise<void> {
  const signal = (pid: number | null, name: NodeJS.Signals) => {
    if (pid === null) return;
    try {
      process.kill(pid, name);
    } catch {
      // Already gone.
    }
  };
  signal(state.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && (isAlive(state.pid) || (state.javaPid !== null && isAlive(state.javaPid))))
    await sleep(50);
  signal(state.pid, 'SIGKILL');
  signal(state.javaPid, 'SIGKILL');
}

/** The command that runs the supervisor: this CLI's own entry, so sources and bundle both work. */
function supervisorCommand(): { command: string; args: string[] } {
  return {
    command: process.execPath,
    // It only relays bytes: a small young generation keeps it small (49 MB against 59 MB).
    args: ['--max-semi-space-size=2', join(PROJECT_ROOT, 'bin', 'ec2trail.mjs'), 'local', 'serve'],
  };
}

/**
 * The endpoint of this folder's warm store, started if nothing answers: a dead or hung
 * supervisor is ended and replaced. Safe for several commands at once.
 */
export async function ensureServer(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<ServerState> {
  const home = localHome(cwd);
  const running = await liveServer(home);
  if (running) return running;
  const idleMinutes = idleMinutesFrom(env);
  mkdirSync(home, { recursive: true });
  return withLock(home, async () => {
    // Another command may have started it while this one waited for the lock.
    const again = await liveServer(home);
    if (again) return again;
    const stale = readState(home);
    if (stale) {
      await stopServer(stale, 2_000);
      clearState(home, stale.pid);
    }
    const log = openSync(join(home, SERVER_LOG), 'w');
    const { command, args } = supervisorCommand();
    const child = spawn(command, [...args, '--dir', home, '--idle-minutes', String(idleMinutes)], {
      cwd,
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...env, EC2TRAIL_LAUNCHER_PID: '' },
    });
    closeSync(log);
    let exit: number | null | undefined;
    child.once('exit', (code) => {
      exit = code;
    });
    child.unref();
    const deadline = Date.now() + 60_000;
    for (;;) {
      const state = readState(home);
      if (state && state.pid === child.pid && (await answers(state.endpoint, 2_000))) return state;
      if (exit !== undefined || Date.now() > deadline) {
        if (child.pid !== undefined && exit === undefined) {
          try {
            process.kill(child.pid, 'SIGKILL');
          } catch {
            // Gone.
          }
        }
        throw new UserFacingError(startFailure(home));
      }
      await sleep(50);
    }
  });
}

/** The supervisor's last words, which carry Java's (a missing Java, an old one). */
function startFailure(home: string): string {
  const logFile = join(home, SERVER_LOG);
  const lines = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n') : [];
  // The supervisor reports a failure as the CLI does: "ec2trail local: <reason>", then Java's words.
  const at = lines.findLastIndex((line) => line.startsWith('ec2trail local: '));
  if (at < 0) return `the embedded store did not start; see ${logFile}`;
  return lines
    .slice(at)
    .join('\n')
    .replace(/^ec2trail local: /, '');
}
