/** Where a command reads and writes rows: the embedded store, a named table, or the deployed stack's table. */

import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RowWriteOptions } from '../lambda/adapters/dynamodb-attribution-store';
import type { BatchImporterOptions } from '../lambda/adapters/dynamodb-batch-importer';
import { TableLayout } from '../lambda/adapters/table-layout';
import { withoutSdkLog } from '../lambda/runtime/without-sdk-log';
import { STACK_OUTPUTS } from '../lib/stack-outputs';
import { awsClientConfig } from './aws-client-config';
import { UserFacingError } from './errors';
import {
  ensureTable,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  localClient,
  startDynamoDbLocal,
} from './local/dynamodb-local';
import { ensureServer, localHome } from './local/warm-server';

export interface TargetOptions {
  readonly local?: boolean;
  /** Keep the embedded store in memory only (used by the demo). */
  readonly inMemory?: boolean;
  readonly table?: string;
  readonly stack?: string;
  readonly profile?: string;
  readonly region?: string;
  readonly endpointUrl?: string;
}

export interface Target {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Where the rows live, for messages: "the embedded store (.ec2trail/)" or "table X". */
  readonly description: string;
  /** The alert topic of the deployed stack, when the table was found through it. */
  readonly topicArn?: string;
  readonly clientConfig: DynamoDBClientConfig;
  /**
   * Whether requests may be billed: false for the embedded store and for an endpoint on this
   * machine (a DynamoDB Local the user runs), where bulk writes may use fewer, costlier requests.
   */
  readonly billed: boolean;
  close(): Promise<void>;
}

export const LOCAL_TABLE = 'ec2trail-attribution';
export const DEFAULT_STACK = 'Ec2Trail';

/** Flags every table-reading command accepts, for parseArgs. */
export const TARGET_FLAGS = {
  local: { type: 'boolean' },
  table: { type: 'string' },
  stack: { type: 'string' },
  profile: { type: 'string' },
  region: { type: 'string' },
  'endpoint-url': { type: 'string' },
} as const;

export const TARGET_HELP = `  --local             use the embedded DynamoDB Local, with data in .ec2trail/ here
  --table NAME        the attribution table (default: from the deployed stack's outputs)
  --stack NAME        the deployed stack to read the table from (default: Ec2Trail)
  --profile NAME      AWS profile (standard credential chain otherwise)
  --region REGION     AWS region
  --endpoint-url URL  the endpoint of every AWS service the command calls, e.g. a DynamoDB Local
                      you run yourself (with --table)`;

export function targetOptions(values: {
  local?: boolean;
  table?: string;
  stack?: string;
  profile?: string;
  region?: string;
  'endpoint-url'?: string;
}): TargetOptions {
  return {
    local: values.local,
    table: values.table,
    stack: values.stack,
    profile: values.profile,
    region: values.region,
    endpointUrl: values['endpoint-url'],
  };
}

function documentsFor(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** The outputs of the deployed ec2trail stack (`--stack`, default Ec2Trail). */
export async function stackOutputs(options: TargetOptions): Promise<Record<string, string>> {
  const stackName = options.stack ?? DEFAULT_STACK;
  const client = new CloudFormationClient(awsClientConfig('cloudformation', options));
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs: Record<string, string> = {};
    for (const output of Stacks?.[0]?.Outputs ?? []) {
      if (output.OutputKey && output.OutputValue) outputs[output.OutputKey] = output.OutputValue;
    }
    return outputs;
  } catch (error) {
    if (error instanceof Error && error.name === 'ValidationError') {
      throw new UserFacingError(
        `no deployed stack "${stackName}" in ${await client.config.region().catch(() => 'this region')}: pass --stack NAME or --table NAME, or use --local`,
        1,
        { cause: error },
      );
    }
    throw error;
  } finally {
    client.destroy();
  }
}

/** Opens the target; the caller must `close()` it (that stops an embedded store). */
export async function openTarget(options: TargetOptions): Promise<Target> {
  if (options.local && !options.inMemory) {
    // A DynamoDB Local the user already runs (in a container, say), or this folder's warm one
    // (cli/local/warm-server.ts), which close() leaves running for the next command.
    const own = process.env.EC2TRAIL_LOCAL_ENDPOINT;
    const endpoint = own || (await ensureServer(process.cwd())).endpoint;
    const tableName = process.env.EC2TRAIL_LOCAL_TABLE || LOCAL_TABLE;
    const client = localClient(endpoint);
    await ensureTable(client, tableName);
    return {
      documents: documentsFor(client),
      tableName,
      description: own
        ? `the local store at ${own} (EC2TRAIL_LOCAL_ENDPOINT)`
        : `the embedded store (${join(localHome(process.cwd()), 'dynamodb')})`,
      clientConfig: { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS },
      billed: false,
      close: async () => client.destroy(),
    };
  }
  if (options.local) {
    const local = await startDynamoDbLocal();
    const client = localClient(local.endpoint);
    await ensureTable(client, LOCAL_TABLE);
    return {
      documents: documentsFor(client),
      tableName: LOCAL_TABLE,
      description: 'the embedded store (in memory)',
      clientConfig: { endpoint: local.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS },
      billed: false,
      close: async () => {
        client.destroy();
        await local.stop();
      },
    };
  }
  const config: DynamoDBClientConfig = awsClientConfig('dynamodb', options);
  let tableName = options.table;
  let topicArn: string | undefined;
  if (!tableName) {
    if (options.endpointUrl) throw new UserFacingError('--endpoint-url needs --table NAME');
    const outputs = await stackOutputs(options);
    tableName = outputs[STACK_OUTPUTS.tableName];
    topicArn = outputs[STACK_OUTPUTS.topicArn];
    if (!tableName)
      throw new UserFacingError(
        `the stack "${options.stack ?? DEFAULT_STACK}" has no ${STACK_OUTPUTS.tableName} output: is it an ec2trail stack?`,
      );
  }
  const client = withoutSdkLog(new DynamoDBClient(config));
  return {
    documents: documentsFor(client),
    tableName,
    description: `table ${tableName}`,
    ...(topicArn ? { topicArn } : {}),
    clientConfig: config,
    billed: !onThisMachine(options.endpointUrl),
    close: async () => client.destroy(),
  };
}

/** An endpoint on a loopback address: a DynamoDB Local (or another emulator) on this machine. */
function onThisMachine(endpointUrl: string | undefined): boolean {
  if (!endpointUrl) return false;
  try {
    const host = new URL(endpointUrl).hostname;
    return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
  } catch {
    return false;
  }
}

/**
 * How the CLI writes rows into a target: with the legacy indexes' keys too while the table is at
 * step 1 or 2 of a move (docs/table-move.md), so every index the table has finds them.
 */
export async function rowWriteOptions(
  target: Pick<Target, 'documents' | 'tableName'>,
): Promise<RowWriteOptions> {
  return { legacyKeys: await new TableLayout(target.documents, target.tableName).reads('byDay') };
}

/**
 * How the CLI's bulk writers (replay, backfill, owners, the demo) import rows: as `rowWriteOptions`
 * says, 100 to a transaction where nothing is billed, and a conditional put each where it is.
 */
export async function importerOptions(
  target: Pick<Target, 'documents' | 'tableName' | 'billed'>,
): Promise<BatchImporterOptions> {
  return { ...(await rowWriteOptions(target)), requests: target.billed ? 'puts' : 'transactions' };
}
