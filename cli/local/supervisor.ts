/**
 * `ec2trail local serve`: the detached process that keeps a folder's DynamoDB Local warm (see
 * warm-server.ts). Java runs under the watchdog of `startDynamoDbLocal`, so it ends with this
 * process; clients reach it through a loopback relay that counts activity, and the supervisor
 * ends itself after its idle time.
 */

import { createServer, type Socket, connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { ensureTable, freePort, localClient, startDynamoDbLocal } from './dynamodb-local';
import { clearState, writeState } from './warm-server';

export interface SuperviseOptions {
  /** The `.ec2trail` folder: state file, store data. */
  readonly home: string;
  readonly idleMinutes: number;
  readonly tableName: string;
  readonly log: (line: string) => void;
}

/**
 * The warm store keeps its rows in a file, not in Java's heap, so it needs less of one than an
 * in-memory store: with 256 MB, `replay --local` of 32 MB of NDJSON kept the whole tree (CLI,
 * supervisor, Java) at 579 MB, against 602 MB with 512 MB (docs/performance.md).
 */
const WARM_STORE_HEAP = '256m';

/** Runs until idle or signalled; resolves with the exit code. */
export async function supervise(options: SuperviseOptions): Promise<number> {
  const dataDir = join(options.home, 'dynamodb');
  const java = await startDynamoDbLocal({
    dataDir,
    maxHeap: process.env.EC2TRAIL_DYNAMODB_LOCAL_HEAP || WARM_STORE_HEAP,
  });
  const client = localClient(java.endpoint);
  try {
    await ensureTable(client, options.tableName);
  } finally {
    client.destroy();
  }

  let open = 0;
  let lastActivity = Date.now();
  const sockets = new Set<Socket>();
  const relay = createServer((downstream) => {
    open++;
    lastActivity = Date.now();
    const upstream = tcpConnect(java.port, '127.0.0.1');
    sockets.add(downstream).add(upstream);
    const touch = () => {
      lastActivity = Date.now();
    };
    downstream.on('data', touch);
    upstream.on('data', touch);
    downstream.pipe(upstream).pipe(downstream);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      open--;
      lastActivity = Date.now();
      downstream.destroy();
      upstream.destroy();
      sockets.delete(downstream);
      sockets.delete(upstream);
    };
    for (const socket of [downstream, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
    }
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    relay.once('error', reject);
    relay.listen(port, '127.0.0.1', resolve);
  });

  writeState(options.home, {
    pid: process.pid,
    javaPid: java.javaPid,
    endpoint: `http://127.0.0.1:${port}`,
    dataDir,
    startedAt: new Date().toISOString(),
    idleMinutes: options.idleMinutes,
  });
  options.log(
    `serving ${dataDir} on 127.0.0.1:${port} (Java on ${java.port}); idle limit ${options.idleMinutes} min`,
  );

  return new Promise<number>((resolve) => {
    let stopping = false;
    const idleMs = options.idleMinutes * 60_000;
    const stop = async (why: string, code: number) => {
      if (stopping) return;
      stopping = true;
      clearInterval(watch);
      // The state goes first: a command arriving now starts a new store rather than using this one.
      clearState(options.home, process.pid);
      options.log(`stopping: ${why}`);
      relay.close();
      for (const socket of sockets) socket.destroy();
      await java.stop();
      resolve(code);
    };
    const watch = setInterval(
      () => {
        if (open === 0 && Date.now() - lastActivity >= idleMs)
          void stop(`idle for ${options.idleMinutes} min`, 0);
      },
      Math.min(5_000, Math.max(100, idleMs / 4)),
    );
    java.exited.then((code) => void stop(`DynamoDB Local ended on its own (exit code ${code})`, 1));
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
      process.once(signal, () => void stop(`${signal} (ec2trail local stop)`, 0));
  });
}
