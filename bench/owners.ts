/**
 * `ec2trail owners` at fleet size, run as a user runs it (the command, in this process):
 * instances in moto's EC2 across four regions, most of them known to the table, the rest only to
 * Event history (the local stub), and the time and memory it takes to name every person; then
 * `ec2trail costs --since 30d` over the same table and fleet. Event history's pace is the floor: each region's unknown
 * instances are asked one by one, at most 2 a second, so 50 unknown in a region take 24.5 s
 * whatever else is fast; the regions run side by side.
 */

import { type _InstanceType, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOOKUP_INTERVAL_MS } from '../cli/backfill/backfill';
import { ensureTable, localClient } from '../cli/local/dynamodb-local';
import { main } from '../cli/main';
import { Replayer } from '../cli/replay/replayer';
import { DynamoDbBatchImporter } from '../lambda/adapters/dynamodb-batch-importer';
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
    // The command as a user runs it (its clients, its pace, its recording), in this process.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_EC2: moto.endpoint,
      AWS_ENDPOINT_URL_CLOUDTRAIL: stubEndpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
      AWS_ENDPOINT_URL_STS: moto.endpoint,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: REGIONS[0],
    });
    let stdout = '';
    const status = await main(
      ['owners', '--regions', REGIONS.join(','), '--table', table, '--no-prices', '--output', 'json'],
      {
        isTTY: false,
        out: async (text) => {
          stdout += text;
        },
        err: (line) => say(`owners: ${line}`),
      },
    );
    if (status !== 0) throw new Error(`owners exited with ${status}`);
    const listed = JSON.parse(stdout) as {
      instances: { instanceId: string; state: string; launchTime: string; person: string | null }[];
      summary: { instances: number; percent: number; lookups: number };
    };
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const coverage = listed.summary;
    if (coverage.instances !== sizes.instances)
      throw new Error(`owners listed ${coverage.instances} instances, ${sizes.instances} were launched`);
    // `costs --since 30d` over the same table and fleet: 30 days read by day, each instance's older rows once.
    const costsStarted = performance.now();
    let costsOut = '';
    const costsStatus = await main(
      [
        'costs',
        '--since',
        '30d',
        '--regions',
        REGIONS.join(','),
        '--table',
        table,
        '--no-prices',
        '--output',
        'json',
      ],
      {
        isTTY: false,
        out: async (text) => {
          costsOut += text;
        },
        err: (line) => say(`costs: ${line}`),
      },
    );
    const costsSeconds = (performance.now() - costsStarted) / 1000;
    const costed = (JSON.parse(costsOut) as { instances: unknown[] }).instances.length;
    if (costsStatus !== 0 || costed !== sizes.instances)
      throw new Error(
        `costs exited with ${costsStatus} and counted ${costed} instances, ${sizes.instances} were launched`,
      );
    return {
      ownersInstances: coverage.instances,
      ownersCoveragePercent: coverage.percent,
      ownersLookups: coverage.lookups,
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
