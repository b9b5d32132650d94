/**
 * Shared by the tests: moto's server (`python3 -m moto.server`), which emulates EC2, STS,
 * EventBridge Scheduler, Security Hub, S3, Organizations and Step Functions, as its own process
 * on a loopback port. Every client built with its endpoint talks to it as to AWS; its account is
 * moto's default, 123456789012.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '../cli/local/dynamodb-local';
import { stopChild } from './fauxqs-server';

export interface MotoServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** The account moto's resources belong to unless a request says otherwise. */
export const MOTO_ACCOUNT = '123456789012';

export async function startMotoServer(): Promise<MotoServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.env.EC2TRAIL_PYTHON ?? 'python3',
    ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    // Only the start-up matters, for the error message: moto logs every request here.
    if (stderr.length < 4_000) stderr += chunk.toString();
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(
        `moto's server exited during start-up (code ${child.exitCode}): ${stderr.trim().slice(-500)}`,
      );
    const failed = await Promise.race([spawnError, new Promise<null>((r) => setTimeout(() => r(null), 0))]);
    if (failed) throw new Error(`moto's server could not start: ${failed.message}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto's server did not answer on ${endpoint}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.stderr?.removeAllListeners('data');
  child.stderr?.resume();
  return { endpoint, stop: () => stopChild(child) };
}
