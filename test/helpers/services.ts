import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../cli/local/dynamodb-local';
import { takeTrackedTables, trackTable } from './tables';

function endpoint(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the jest globalSetup starts the local services`);
  return value;
}

export function dynamoEndpoint(): string {
  return endpoint('EC2TRAIL_TEST_DYNAMODB_ENDPOINT');
}

export function dynamoClient(): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: dynamoEndpoint(),
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
}

export function documentClient(client = dynamoClient()): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** A fresh attribution table with a unique name, so test files never share rows. */
export async function freshTable(
  client: DynamoDBClient,
  prefix = 'attribution',
  moveStep?: number,
): Promise<string> {
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  await ensureTable(client, name, moveStep);
  trackTable(name);
  return name;
}

/**
 * Drops the tables this file created: the in-memory DynamoDB Local would otherwise hold every
 * file's rows in its native memory until the run ends.
 */
export async function dropCreatedTables(): Promise<void> {
  const created = takeTrackedTables();
  if (created.length === 0) return;
  const client = dynamoClient();
  try {
    for (const name of created)
      await client.send(new DeleteTableCommand({ TableName: name })).catch(() => {});
  } finally {
    client.destroy();
  }
}

const AWS_LIKE = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

export function snsClient(): SNSClient {
  return new SNSClient({ endpoint: endpoint('EC2TRAIL_TEST_SNS_ENDPOINT'), ...AWS_LIKE });
}

export function sqsClient(): SQSClient {
  return new SQSClient({ endpoint: endpoint('EC2TRAIL_TEST_SNS_ENDPOINT'), ...AWS_LIKE });
}

/** The fauxqs emulator's S3, path-style as emulators need. */
export function s3Client(): S3Client {
  return new S3Client({
    endpoint: endpoint('EC2TRAIL_TEST_SNS_ENDPOINT'),
    forcePathStyle: true,
    ...AWS_LIKE,
  });
}

/** moto's server (EC2, STS, Scheduler, Security Hub, Organizations…), started once per run. */
export function motoEndpoint(): string {
  return endpoint('EC2TRAIL_TEST_MOTO_ENDPOINT');
}

/** Client settings for moto's server in `region`. */
export function motoConfig(region = 'us-east-1') {
  return { endpoint: motoEndpoint(), ...AWS_LIKE, region };
}

/** Counts the commands a client sends (by name), to show that a path made no call at all. */
export function countCalls(client: {
  middlewareStack: { add: (m: any, o: { step: 'initialize'; name: string }) => void };
}): string[] {
  const calls: string[] = [];
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: unknown) => {
        calls.push(context.commandName ?? 'unknown');
        return next(args);
      },
    { step: 'initialize', name: 'ec2trailCountCalls' },
  );
  return calls;
}
