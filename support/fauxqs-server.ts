/** Shared by the tests and the benchmark. Runs the fauxqs SNS/SQS emulator as its own process on a loopback port, like a real endpoint. */

import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../cli/local/dynamodb-local';

export interface FauxqsServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const CLI = join(__dirname, '..', 'node_modules', 'fauxqs', 'dist', 'cli.js');

export async function startFauxqsServer(): Promise<FauxqsServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [CLI], {
    env: { ...process.env, FAUXQS_PORT: String(port), FAUXQS_HOST: '127.0.0.1', FAUXQS_LOGGER: 'false' },
    stdio: 'ignore',
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`fauxqs exited during start-up (code ${child.exitCode})`);
    try {
      const response = await fetch(`${endpoint}/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`fauxqs did not answer on ${endpoint}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { endpoint, stop: () => stopChild(child) };
}

/** Ends a service process with SIGTERM and waits for it (at once when it has already exited). */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
