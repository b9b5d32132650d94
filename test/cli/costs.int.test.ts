/**
 * `ec2trail costs` against moto's EC2, DynamoDB Local and a local Price List. The scenario, by
 * construction, in ap-northeast-3 with the window the last 48 hours (H = hours before the run):
 * - A (in EC2): alice launched it at H-10 → 10 h.
 * - B (in EC2): bob launched it 5 days ago, stopped it at H-30, started it at H-6 → 18 + 6 h.
 * - C (gone from EC2): alice launched it at H-20, terminated it at H-8 → 12 h.
 * - D (gone from EC2): carol launched it at H-30, no other call held → 30 h, an upper bound.
 * - E (in EC2): tagged Owner=dave, no call held, launched by moto just now → almost 0 h.
 * - F (another account, not read): erin launched it at H-4 → 4 h.
 * - G (in EC2, stopped now): gina launched it 100 hours ago, and no stop is held: the launch before
 *   the window says it was running, so all 48 h count, an upper bound.
 * Prices given: t3.micro Windows USD 0.0108 (moto's image is a Windows one), Linux 0.0104 (what
 * an instance EC2 no longer lists is priced as).
 */

import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type _InstanceType,
  type EC2Client,
  RunInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { Replayer } from '../../cli/replay/replayer';
import { DynamoDbBatchImporter } from '../../lambda/adapters/dynamodb-batch-importer';
import { MOTO_ACCOUNT } from '../../support/moto-server';
import { ec2Product, PriceListStub } from '../../support/price-list-stub';
import { runInProcess } from '../helpers/cli';
import { motoEc2 } from '../helpers/moto';
import { documentClient, dynamoClient, dynamoEndpoint, freshTable, motoEndpoint } from '../helpers/services';

const REGION = 'ap-northeast-3';
const SPOT_REGION = 'ap-northeast-2';
const OTHER_ACCOUNT = '999988887777';
const H = 3_600_000;

async function launch(
  ec2: EC2Client,
  extra: { tags?: Record<string, string>; spot?: boolean } = {},
): Promise<string> {
  const answer = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12c6146b',
      InstanceType: 't3.micro' as _InstanceType,
      MinCount: 1,
      MaxCount: 1,
      ...(extra.spot ? { InstanceMarketOptions: { MarketType: 'spot' } } : {}),
      ...(extra.tags
        ? {
            TagSpecifications: [
              {
                ResourceType: 'instance',
                Tags: Object.entries(extra.tags).map(([Key, Value]) => ({ Key, Value })),
              },
            ],
          }
        : {}),
    }),
  );
  const id = answer.Instances?.[0]?.InstanceId;
  if (!id) throw new Error('moto did not launch');
  return id;
}

const STATES = {
  StopInstances: [
    { code: 16, name: 'running' },
    { code: 64, name: 'stopping' },
  ],
  StartInstances: [
    { code: 80, name: 'stopped' },
    { code: 0, name: 'pending' },
  ],
  TerminateInstances: [
    { code: 16, name: 'running' },
    { code: 32, name: 'shutting-down' },
  ],
} as const;

/** A CloudTrail record of an IAM user's call on one instance, shaped as CloudTrail writes EC2's calls. */
function call(
  eventName: 'RunInstances' | keyof typeof STATES,
  user: string,
  instanceId: string,
  atMs: number,
  account = MOTO_ACCOUNT,
) {
  const request =
    eventName === 'RunInstances'
      ? {
          instancesSet: { items: [{ imageId: 'ami-12c6146b', minCount: 1, maxCount: 1 }] },
          instanceType: 't3.micro',
        }
      : { instancesSet: { items: [{ instanceId }] } };
  const response =
    eventName === 'RunInstances'
      ? {
          requestId: randomUUID(),
          reservationId: 'r-0123456789abcdef0',
          ownerId: account,
          instancesSet: {
            items: [
              {
                instanceId,
                imageId: 'ami-12c6146b',
                instanceType: 't3.micro',
                instanceState: { code: 0, name: 'pending' },
              },
            ],
          },
        }
      : {
          requestId: randomUUID(),
          instancesSet: {
            items: [{ instanceId, previousState: STATES[eventName][0], currentState: STATES[eventName][1] }],
          },
        };
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: `AIDA${user.toUpperCase()}EXAMPLE`,
      arn: `arn:aws:iam::${account}:user/${user}`,
      accountId: account,
      accessKeyId: 'AKIAEXAMPLE',
      userName: user,
    },
    eventTime: `${new Date(atMs).toISOString().slice(0, 19)}Z`,
    eventSource: 'ec2.amazonaws.com',
    eventName,
    awsRegion: REGION,
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.15.30',
    requestParameters: request,
    responseElements: response,
    requestID: randomUUID(),
    eventID: randomUUID(),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
  };
}

describe('ec2trail costs', () => {
  const client = dynamoClient();
  const prices = new PriceListStub([
    ec2Product('t3.micro', REGION, 'Windows', '0.0108000000'),
    ec2Product('t3.micro', REGION, 'Linux', '0.0104000000'),
  ]);
  const cache = mkdtempSync(join(tmpdir(), 'ec2trail-prices-'));
  const ids = {
    A: '',
    B: '',
    C: 'i-0c0570000000000c1',
    D: 'i-0c0570000000000d1',
    E: '',
    F: 'i-0c0570000000000f1',
    G: '',
  };
  let table: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    table = await freshTable(client, 'costs');
    const ec2 = motoEc2(REGION);
    ids.A = await launch(ec2);
    ids.B = await launch(ec2);
    ids.E = await launch(ec2, { tags: { Owner: 'dave' } });
    ids.G = await launch(ec2);
    await ec2.send(new StopInstancesCommand({ InstanceIds: [ids.G] }));
    ec2.destroy();
    const t0 = Date.now();
    const records = [
      call('RunInstances', 'alice', ids.A, t0 - 10 * H),
      call('RunInstances', 'bob', ids.B, t0 - 120 * H),
      call('StopInstances', 'bob', ids.B, t0 - 30 * H),
      call('StartInstances', 'bob', ids.B, t0 - 6 * H),
      call('RunInstances', 'alice', ids.C, t0 - 20 * H),
      call('TerminateInstances', 'alice', ids.C, t0 - 8 * H),
      call('RunInstances', 'carol', ids.D, t0 - 30 * H),
      call('RunInstances', 'erin', ids.F, t0 - 4 * H, OTHER_ACCOUNT),
      call('RunInstances', 'gina', ids.G, t0 - 100 * H),
    ];
    await new Replayer({
      importer: new DynamoDbBatchImporter(documentClient(client), table),
      ingestedBy: 'replay',
      now: () => new Date(),
    }).run(
      (async function* () {
        yield {
          origin: 'test',
          items: records.map((value, i) => ({ kind: 'json' as const, origin: `record ${i}`, value })),
        };
      })(),
    );
    env = {
      AWS_ENDPOINT_URL_EC2: motoEndpoint(),
      AWS_ENDPOINT_URL_STS: motoEndpoint(),
      AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint(),
      AWS_ENDPOINT_URL_PRICING: await prices.start(),
      XDG_CACHE_HOME: cache,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: REGION,
    };
  }, 60_000);
  afterAll(() => prices.stop());

  const costs = (...extra: string[]) =>
    runInProcess(['costs', '--since', '48h', '--table', table, '--output', 'json', ...extra], { env });

  type Report = {
    people: {
      person: string | null;
      instances: number;
      hours: number;
      costUsd: number;
      top: { instanceId: string }[];
    }[];
    instances: Record<string, unknown>[];
    summary: { line: string; inventoryRead: boolean };
  };

  it("adds each person's running hours and their list price, the dearest first", async () => {
    const result = await costs('--regions', REGION);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    const byId = Object.fromEntries(report.instances.map((i) => [i.instanceId, i]));
    // Seconds pass between the records and the run: hours to within 0.05.
    const hours = (id: string) => byId[id]?.hours as number;
    expect(hours(ids.A)).toBeCloseTo(10, 1);
    expect(hours(ids.B)).toBeCloseTo(24, 1);
    expect(hours(ids.C)).toBeCloseTo(12, 1);
    expect(hours(ids.D)).toBeCloseTo(30, 1);
    expect(hours(ids.F)).toBeCloseTo(4, 1);
    expect(hours(ids.E)).toBeLessThan(0.1);
    expect(hours(ids.G)).toBeCloseTo(48, 1);
    expect(byId[ids.G]).toMatchObject({ person: 'gina', hourlyUsd: 0.0108 });
    expect(String(byId[ids.G]?.uncertain)).toMatch(/^stopped now with no stop or terminate call held/);
    expect(byId[ids.A]).toMatchObject({
      person: 'alice',
      hourlyUsd: 0.0108,
      priceKind: 'on-demand',
      platformAssumed: false,
    });
    // Gone from EC2: priced as Linux/UNIX, and D's end is not known.
    expect(byId[ids.C]).toMatchObject({ hourlyUsd: 0.0104, platformAssumed: true, uncertain: null });
    expect(byId[ids.D]).toMatchObject({ person: 'carol', hourlyUsd: 0.0104 });
    expect(String(byId[ids.D]?.uncertain)).toMatch(/^gone now with no stop or terminate call held/);
    // Another account's instance: EC2 was not read there, so it is not taken for gone.
    expect(byId[ids.F]).toMatchObject({ person: 'erin', account: OTHER_ACCOUNT, uncertain: null });
    expect(byId[ids.E]).toMatchObject({ person: 'dave', evidence: 'tags' });

    const people: Record<string, Report['people'][number]> = Object.fromEntries(
      report.people.map((p) => [p.person, p]),
    );
    // gina 48 × 0.0108; carol 30 × 0.0104; bob 24 × 0.0108; alice 10 × 0.0108 + 12 × 0.0104; erin 4 × 0.0104.
    expect(report.people.map((p) => p.person)).toEqual(['gina', 'carol', 'bob', 'alice', 'erin', 'dave']);
    expect(people.carol?.costUsd).toBeCloseTo(0.312, 3);
    expect(people.bob?.costUsd).toBeCloseTo(0.2592, 3);
    expect(people.alice?.costUsd).toBeCloseTo(0.2328, 3);
    expect(people.alice).toMatchObject({ instances: 2 });
    expect(people.alice?.top.map((i) => i.instanceId)).toEqual([ids.C, ids.A]);
    expect(people.erin?.costUsd).toBeCloseTo(0.0416, 3);
    expect(report.summary.inventoryRead).toBe(true);
    expect(report.summary.line).toMatch(
      /: 7 instance\(s\) ran 128\.0 instance-hours; USD 1\.36 at list prices \(an estimate, not the bill\); 6 person\(s\); 3 instance\(s\) EC2 no longer lists priced as Linux\/UNIX, shared tenancy; 2 instance\(s\) stopped or gone with no call held, counted to the end of the window$/,
    );
    // One Price List request per product (Windows and Linux), the second run from the cache.
    expect(prices.requests).toBe(2);
  });

  it('stays with the table when told, and filters by person', async () => {
    const result = await costs('--no-inventory', '--person', 'bob', '--no-prices');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.people).toEqual([
      expect.objectContaining({
        person: 'bob',
        instances: 1,
        costUsd: 0,
        unpricedHours: expect.closeTo(24, 1),
      }),
    ]);
    expect(report.summary.line).toMatch(
      /EC2 not read: instances that ran without a call in the window are missing$/,
    );
    const all = JSON.parse((await costs('--no-inventory', '--no-prices')).stdout) as Report;
    // Without EC2, D is taken as still running (nothing says otherwise), and E and G (no call in
    // the window) are not known at all.
    expect(all.instances.map((i: Record<string, unknown>) => i.instanceId).sort()).toEqual(
      [ids.A, ids.B, ids.C, ids.D, ids.F].sort(),
    );
    expect(all.instances.every((i) => i.uncertain === null)).toBe(true);
  });

  it('prints one line per person as a table', async () => {
    const result = await runInProcess(
      ['costs', '--since', '48h', '--table', table, '--regions', REGION, '--output', 'table'],
      { env },
    );
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^PERSON\s+INSTANCES\s+HOURS\s+COST/);
    expect(lines.slice(2, 8).map((l) => l.split(/\s+/)[0])).toEqual([
      'gina',
      'carol',
      'bob',
      'alice',
      'erin',
      'dave',
    ]);
  });

  it('refuses bad options with a clear message', async () => {
    for (const [args, message] of [
      [['--top', 'x'], '--top "x" is not a whole number'],
      [['--regions', 'mars-1'], '--regions: "mars-1" is not an AWS region such as eu-west-1'],
      [['--regions', REGION, '--no-inventory'], '--regions and --no-inventory do not go together'],
      [['--since', 'yesterday-ish'], '--since'],
    ] as const) {
      const result = await costs(...args);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("are priced at the latest Spot price of their zone, never the on-demand list's", async () => {
    const ec2 = motoEc2(SPOT_REGION);
    const id = await launch(ec2, { spot: true });
    ec2.destroy();
    const prices = new PriceListStub([ec2Product('t3.micro', SPOT_REGION, 'Windows', '0.0130000000')]);
    const result = await runInProcess(
      [
        'owners',
        '--regions',
        SPOT_REGION,
        '--no-lookup',
        '--no-record',
        '--table',
        table,
        '--output',
        'json',
      ],
      {
        env: {
          AWS_ENDPOINT_URL_EC2: motoEndpoint(),
          AWS_ENDPOINT_URL_PRICING: await prices.start(),
          AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint(),
          XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'ec2trail-prices-')),
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_REGION: SPOT_REGION,
        },
      },
    );
    await prices.stop();
    expect(result.stderr).toBe('');
    const { instances, summary } = JSON.parse(result.stdout) as {
      instances: Record<string, unknown>[];
      summary: Record<string, unknown>;
    };
    // moto's Spot price history answers USD 0.00001 for every type and zone it offers.
    expect(instances.find((i) => i.instanceId === id)).toMatchObject({
      hourlyUsd: 0.00001,
      priceKind: 'spot',
    });
    expect(prices.requests).toBe(0);
    expect(summary).toMatchObject({ spotPriced: 1 });
  });
});
