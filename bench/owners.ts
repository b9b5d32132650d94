/**
 * `ec2trail owners` at fleet size: instances in moto's EC2 across four regions, most of them
 * known to the table, the rest only to Event history (the local stub), and the time and memory
 * it takes to name every person. Event history's pace is the floor: each region's unknown
 * instances are asked one by one, at most 2 a second, so 50 unknown in a region take 24.5 s
 * whatever else is fast; the regions run side by side.
 */

import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { type _InstanceType, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOOKUP_INTERVAL_MS } from '../cli/backfill/backfill';
import { hoursInWindow } from '../cli/inventory/costs';
import { ensureTable, localClient } from '../cli/local/dynamodb-local';
import { Replayer } from '../cli/replay/replayer';
import { DynamoDbAttributionQueries } from '../lambda/adapters/dynamodb-attribution-queries';
import { DynamoDbBatchImporter } from '../lambda/adapters/dynamodb-batch-importer';
import { coverageOf } from '../lambda/domain/inventory/ownership';
import { findOwners } from '../lambda/inventory/find-owners';
import { EventHistoryStub } from '../support/event-history-stub';
import { MOTO_ACCOUNT, startMotoServer } from '../support/moto-server';

const REGIONS = ['eu-north-1', 'ca-central-1', 'ap-south-1', 'sa-east-1'];
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };

/** CloudTrail's record of one IAM user's launch of one instance. */
function launchRecord(user: string, instanceId: string, region: string, at: Date, n: number) {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: `AIDABENCH${String(n).padStart(8, '0')}`,
      arn: `arn:aws:iam::${MOTO_ACCOUNT}:user/${user}`,
      accountId: MOTO_ACCOUNT,
      userName: user,
    },
    eventTime: at.toISOString().replace(/\.\d+Z$/, 'Z'),
    eventSource: 'ec2.amazonaws.com',
    eventName: 'RunInstances',
    awsRegion: region,
    sourceIPAddress: '192.0.2.10',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: { instanceType: 't3.micro', instancesSet: { items: [{ minCount: 1, maxCount: 1 }] } },
    responseElements: {
      reservationId: `r-bench${n}`,
      ownerId: MOTO_ACCOUNT,
      instancesSet: {
        items: [{ instanceId, instanceType: 't3.micro', instanceState: { code: 0, name: 'pending' } }],
      },
    },
    requestID: `req-bench-${n}`,
    eventID: `bench-owners-${n}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: MOTO_ACCOUNT,
    eventCategory: 'Management',
  };
}

export async function benchOwners(
  dynamoEndpoint: string,
  sizes: { readonly instances: number; readonly unknown: number },
  say: (line: string) => void,
): Promise<Record<string, number>> {
  const moto = await startMotoServer();
  const stub = new EventHistoryStub({});
  const perRegion = sizes.instances / REGIONS.length;
  const unknownPerRegion = sizes.unknown / REGIONS.length;
  say(
    `owners: ${sizes.instances} instances in ${REGIONS.length} regions of moto's EC2, ${sizes.unknown} known only to Event history`,
  );
  const dynamo = localClient(dynamoEndpoint);
  const documents = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const table = `bench-owners-${Date.now()}`;
  const clients: { destroy(): void }[] = [];
  try {
    await ensureTable(dynamo, table);
    const known: object[] = [];
    const events: Record<string, { record: object; resources: string[] }[]> = {};
    let n = 0;
    for (const region of REGIONS) {
      const ec2 = new EC2Client({ endpoint: moto.endpoint, region, credentials });
      clients.push(ec2);
      const answer = await ec2.send(
        new RunInstancesCommand({
          ImageId: 'ami-12c6146b',
          InstanceType: 't3.micro' as _InstanceType,
          MinCount: perRegion,
          MaxCount: perRegion,
        }),
      );
      events[region] = [];
      for (const [i, instance] of (answer.Instances ?? []).entries()) {
        const id = instance.InstanceId ?? '';
        const record = launchRecord(`user-${i % 40}`, id, region, instance.LaunchTime ?? new Date(), n++);
        if (i < unknownPerRegion) events[region]?.push({ record, resources: [id] });
        else known.push(record);
      }
    }
    Object.assign(stub, { events });
    const stubEndpoint = await stub.start();
    const importer = new DynamoDbBatchImporter(documents, table);
    const replay = (records: readonly object[], origin: string) =>
      new Replayer({ importer, ingestedBy: 'backfill', now: () => new Date() }).run(
        (async function* () {
          yield {
            origin,
            items: records.map((value, i) => ({ kind: 'json' as const, origin: `${origin} ${i}`, value })),
          };
        })(),
      );
    await replay(known, 'bench known launches');
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 100);
    const started = performance.now();
    const result = await findOwners(REGIONS, {
      ec2For: (region) => {
        const made = new EC2Client({ endpoint: moto.endpoint, region, credentials, maxAttempts: 5 });
        clients.push(made);
        return made;
      },
      cloudTrailFor: (region) => {
        const made = new CloudTrailClient({ endpoint: stubEndpoint, region, credentials, maxAttempts: 1 });
        clients.push(made);
        return made;
      },
      queries: new DynamoDbAttributionQueries(documents, table),
      record: (records, origin) => replay(records, origin),
      personTagKeys: ['Owner'],
      clock: { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
    });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const coverage = coverageOf(result.instances);
    if (coverage.instances !== sizes.instances)
      throw new Error(`owners listed ${coverage.instances} instances, ${sizes.instances} were launched`);
    // `costs --since 30d` over the same table and fleet: 30 days read by day, each instance's older rows once.
    const costsStarted = performance.now();
    const now = Date.now();
    const hours = await hoursInWindow(
      new DynamoDbAttributionQueries(documents, table),
      { fromMs: now - 30 * 86_400_000, toMs: now },
      { instances: result.instances, account: MOTO_ACCOUNT, regions: REGIONS },
    );
    const costsSeconds = (performance.now() - costsStarted) / 1000;
    if (hours.length !== sizes.instances)
      throw new Error(`costs counted ${hours.length} instances, ${sizes.instances} were launched`);
    return {
      ownersInstances: coverage.instances,
      ownersCoveragePercent: coverage.percent,
      ownersLookups: result.lookups,
      ownersWallS: Math.round(seconds * 10) / 10,
      // The floor: one region's unknown instances, one request each, at the documented pace.
      ownersFloorS: ((unknownPerRegion - 1) * LOOKUP_INTERVAL_MS) / 1000,
      ownersPeakRssMb: Math.round(peakRss / 1_048_576),
      costsThirtyDaysWallS: Math.round(costsSeconds * 10) / 10,
    };
  } finally {
    for (const made of clients) made.destroy();
    dynamo.destroy();
    await stub.stop();
    await moto.stop();
  }
}
