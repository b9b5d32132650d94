/**
 * The scheduled inventory function, its entry module loaded fresh for each run, against moto's EC2, DynamoDB Local, a local Event history and a local Price List. The
 * scenario, by construction, in eu-central-2:
 * - X: bob's launch is in Event history only → recorded as a backfill row, person bob;
 * - Y: tagged Owner=erin → person erin, from tags;
 * - Z: nothing anywhere → unknown (Event history holds no launch of it).
 * So 2 of 3 have a person (66 %), 1 running instance is unknown, and 1 row is recorded.
 */

import { type _InstanceType, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDbAttributionQueries } from '../../lambda/adapters/dynamodb-attribution-queries';
import { DynamoDbInventorySnapshots } from '../../lambda/adapters/dynamodb-inventory-snapshots';
import { EventHistoryStub } from '../../support/event-history-stub';
import { MOTO_ACCOUNT } from '../../support/moto-server';
import { ec2Product, PriceListStub } from '../../support/price-list-stub';
import { loadJson } from '../helpers/fixtures';
import { motoEc2 } from '../helpers/moto';
import {
  documentClient,
  dynamoClient,
  dynamoEndpoint,
  freshTable,
  motoConfig,
  motoEndpoint,
} from '../helpers/services';

const REGION = 'eu-central-2';

/** The IAM-user launch fixture, by `user`, for one of moto's instances (the fixture's second instance dropped). */
function launchRecord(user: string, id: string, at: Date) {
  const text = JSON.stringify(loadJson('events/runinstances-iamuser-cli.json'))
    .replaceAll('111122223333', MOTO_ACCOUNT)
    .replaceAll('i-0a1b2c3d4e5f60001', id)
    .replaceAll('user/alice', `user/${user}`)
    .replaceAll('"userName":"alice"', `"userName":"${user}"`)
    .replaceAll('"eu-west-1', `"${REGION}`);
  const record = JSON.parse(text) as { responseElements: { instancesSet: { items: unknown[] } } };
  record.responseElements.instancesSet.items = record.responseElements.instancesSet.items.slice(0, 1);
  return { ...record, eventTime: `${at.toISOString().slice(0, 19)}Z`, eventID: 'evt-x', awsRegion: REGION };
}

/**
 * Runs the function's entry module once, freshly loaded with `env` as its environment (it reads
 * its settings and builds its clients at load, as at a cold start); its result and what it
 * printed (the metrics, in CloudWatch's embedded metric format). In this process: a bundle's
 * esbuild beside DynamoDB Local and moto would take more memory than the suite has
 * (test/infra/bundle.test.ts builds and loads the bundle).
 */
async function invoke(env: NodeJS.ProcessEnv) {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  Object.assign(process.env, env);
  const printed: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    let entry: { handler: (event: unknown) => Promise<Record<string, unknown>> } | undefined;
    jest.isolateModules(() => {
      entry = require('../../lambda/inventory/index');
    });
    if (!entry) throw new Error('the entry module did not load');
    const result = await entry.handler({});
    return { result, lines: printed.join('').split('\n') };
  } finally {
    write.mockRestore();
    process.env = saved;
  }
}

describe('the scheduled inventory function', () => {
  const client = dynamoClient();
  const ids = { X: '', Y: '', Z: '' };
  let table: string;
  let history: EventHistoryStub;
  const prices = new PriceListStub([ec2Product('t3.micro', REGION, 'Windows', '0.0120000000')]);

  beforeAll(async () => {
    table = await freshTable(client, 'inventory');
    const ec2 = motoEc2(REGION);
    const launch = async (tags?: Record<string, string>) => {
      const answer = await ec2.send(
        new RunInstancesCommand({
          ImageId: 'ami-12c6146b',
          InstanceType: 't3.micro' as _InstanceType,
          MinCount: 1,
          MaxCount: 1,
          ...(tags
            ? {
                TagSpecifications: [
                  {
                    ResourceType: 'instance',
                    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
                  },
                ],
              }
            : {}),
        }),
      );
      const instance = answer.Instances?.[0];
      if (!instance?.InstanceId || !instance.LaunchTime) throw new Error('moto did not launch');
      return { id: instance.InstanceId, at: instance.LaunchTime };
    };
    const x = await launch();
    ids.X = x.id;
    ids.Y = (await launch({ Owner: 'erin' })).id;
    ids.Z = (await launch()).id;
    ec2.destroy();
    history = new EventHistoryStub({
      [REGION]: [{ record: launchRecord('bob', x.id, x.at), resources: [x.id] }],
    });
  }, 120_000);
  afterAll(async () => {
    await history.stop();
    await prices.stop();
  });

  it('names each instance, records what Event history held, saves the snapshot and publishes coverage', async () => {
    const before = new Date().toISOString();
    const { result, lines } = await invoke({
      TABLE_NAME: table,
      INVENTORY_REGIONS: REGION,
      FORGOTTEN_AFTER_DAYS: '30',
      EVENT_HISTORY: 'on',
      PRICES: 'on',
      PERSON_TAG_KEYS: 'Owner',
      HOME_ACCOUNT: MOTO_ACCOUNT,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_EC2: motoEndpoint(),
      AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint(),
      AWS_ENDPOINT_URL_CLOUDTRAIL: await history.start(),
      AWS_ENDPOINT_URL_PRICING: await prices.start(),
      POWERTOOLS_METRICS_NAMESPACE: 'ec2trail',
    });
    expect(result).toEqual({
      instances: 3,
      withPerson: 2,
      percent: 66,
      runningUnknown: 1,
      forgotten: 0,
      failedRegions: [],
      // X, Y and Z were each asked once (Y's tag is the last evidence tried).
      lookups: 3,
      recorded: 1,
    });
    // The metrics, in CloudWatch's embedded metric format on stdout.
    const emf = lines
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((m) => 'InventoryCoverage' in m);
    expect(emf).toMatchObject({
      InventoryCoverage: 66,
      RunningInstancesUnknown: 1,
      InventoryRegionsFailed: 0,
    });

    // X's launch is a row now, as a backfill writes it: "who" answers from the table.
    const rows = [];
    for await (const row of new DynamoDbAttributionQueries(documentClient(client), table).lifecycle(ids.X))
      rows.push(row);
    expect(rows.map((r) => [r.action, r.actor.name, r.ingestedBy])).toEqual([['launch', 'bob', 'backfill']]);

    const snapshot = await new DynamoDbInventorySnapshots(documentClient(client), table).latest();
    expect(snapshot).toMatchObject({
      regions: [REGION],
      coverage: { instances: 3, withPerson: 2, byEvidence: { 'event-history': 1, tags: 1 } },
      running: 3,
      // 3 × 0.012
      runningHourlyUsd: 0.036,
      forgottenTotal: 0,
    });
    // Taken by this run: after it started, before it ended.
    expect(
      snapshot?.takenAt && snapshot.takenAt >= before && snapshot.takenAt <= new Date().toISOString(),
    ).toBe(true);
  });

  it("lists an organization's member accounts through their reader role, and goes on without one it cannot list", async () => {
    // A home account of its own in moto (assumed-role credentials act in the role's account), with
    // an organization and one member account; one instance at home, two in the member.
    const HOME = '210987654321';
    const ORG_REGION = 'me-central-1';
    const sts = new STSClient(motoConfig(ORG_REGION));
    const as = async (account: string) => {
      const c = (
        await sts.send(
          new AssumeRoleCommand({
            RoleArn: `arn:aws:iam::${account}:role/${account === HOME ? 'admin' : 'ec2trail-inventory-reader'}`,
            RoleSessionName: 'test',
          }),
        )
      ).Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
        throw new Error('moto gave no credentials');
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    };
    const home = await as(HOME);
    const org = new OrganizationsClient({ ...motoConfig('us-east-1'), credentials: home });
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const created = await org.send(
      new CreateAccountCommand({ AccountName: 'member', Email: 'member@example.com' }),
    );
    const member = created.CreateAccountStatus?.AccountId;
    if (!member) throw new Error('moto created no account');
    org.destroy();
    const launchAs = async (credentials: typeof home, tags: Record<string, string>[]) => {
      const ec2 = new EC2Client({ ...motoConfig(ORG_REGION), credentials });
      for (const tag of tags)
        await ec2.send(
          new RunInstancesCommand({
            ImageId: 'ami-12c6146b',
            InstanceType: 't3.micro' as _InstanceType,
            MinCount: 1,
            MaxCount: 1,
            ...(Object.keys(tag).length > 0
              ? {
                  TagSpecifications: [
                    {
                      ResourceType: 'instance',
                      Tags: Object.entries(tag).map(([Key, Value]) => ({ Key, Value })),
                    },
                  ],
                }
              : {}),
          }),
        );
      ec2.destroy();
    };
    await launchAs(home, [{ Owner: 'hank' }]);
    await launchAs(await as(member), [{ Owner: 'ivy' }, {}]);
    sts.destroy();

    const orgTable = await freshTable(client, 'inventory-org');
    const { result } = await invoke({
      TABLE_NAME: orgTable,
      INVENTORY_REGIONS: ORG_REGION,
      FORGOTTEN_AFTER_DAYS: '30',
      EVENT_HISTORY: 'off',
      PRICES: 'off',
      PERSON_TAG_KEYS: 'Owner',
      HOME_ACCOUNT: HOME,
      MEMBER_ROLE_NAME: 'ec2trail-inventory-reader',
      PARTITION: 'aws',
      AWS_REGION: ORG_REGION,
      AWS_ACCESS_KEY_ID: home.accessKeyId,
      AWS_SECRET_ACCESS_KEY: home.secretAccessKey,
      AWS_SESSION_TOKEN: home.sessionToken,
      AWS_ENDPOINT_URL: motoEndpoint(),
      AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint(),
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    // hank's at home, ivy's and an untagged one in the member account.
    expect(result).toMatchObject({
      instances: 3,
      withPerson: 2,
      percent: 66,
      runningUnknown: 1,
      failedRegions: [],
    });
    const snapshot = await new DynamoDbInventorySnapshots(documentClient(client), orgTable).latest();
    expect(snapshot?.regions).toEqual([ORG_REGION]);
  });
});
