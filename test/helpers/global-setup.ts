/**
 * Starts the real local services once for the whole run: DynamoDB Local (Amazon's jar), the
 * fauxqs SNS/SQS emulator and moto's server (EC2, STS, Scheduler, Security Hub, …), all on
 * loopback ports. Tests read their endpoints from the env.
 */
import { startDynamoDbLocal } from '../../cli/local/dynamodb-local';
import { startFauxqsServer } from '../../support/fauxqs-server';
import { startMotoServer } from '../../support/moto-server';

export default async function globalSetup(
  _globalConfig: unknown,
  projectConfig: { displayName?: { name?: string } },
): Promise<void> {
  // The suite's tables are small and dropped after each file: a quarter of a gigabyte keeps its
  // tree small. The slow proofs hold 100,000 rows in one table, and get the CLI's default heap.
  const slow = projectConfig.displayName?.name === 'slow';
  const maxHeap = process.env.EC2TRAIL_DYNAMODB_LOCAL_HEAP ?? (slow ? '512m' : '256m');
  const [dynamo, fauxqs, moto] = await Promise.all([
    startDynamoDbLocal({ maxHeap }),
    startFauxqsServer(),
    startMotoServer(),
  ]);
  process.env.EC2TRAIL_TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.EC2TRAIL_TEST_SNS_ENDPOINT = fauxqs.endpoint;
  process.env.EC2TRAIL_TEST_MOTO_ENDPOINT = moto.endpoint;
  (globalThis as { __services__?: unknown }).__services__ = { dynamo, fauxqs, moto };
}
