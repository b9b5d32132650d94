/**
 * `ec2trail owners --accounts` against moto's EC2, STS and Organizations: a home account of its
 * own (moto acts in the account of an assumed role's credentials), with an organization and a
 * member account; one instance at home (Owner=hank), one in the member (Owner=ivy). The member is
 * read through the reader role the member StackSet puts there.
 */

import { type _InstanceType, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { runInProcess } from '../helpers/cli';
import { dynamoClient, dynamoEndpoint, freshTable, motoConfig, motoEndpoint } from '../helpers/services';

const HOME = '310987654321';
const REGION = 'il-central-1';

describe('ec2trail owners --accounts', () => {
  const client = dynamoClient();
  let member = '';
  let table = '';
  let env: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    const sts = new STSClient(motoConfig(REGION));
    const as = async (account: string, role: string) => {
      const c = (
        await sts.send(
          new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/${role}`, RoleSessionName: 't' }),
        )
      ).Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
        throw new Error('moto gave no credentials');
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    };
    const home = await as(HOME, 'admin');
    const org = new OrganizationsClient({ ...motoConfig('us-east-1'), credentials: home });
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    member =
      (await org.send(new CreateAccountCommand({ AccountName: 'm', Email: 'm@example.com' })))
        .CreateAccountStatus?.AccountId ?? '';
    org.destroy();
    for (const [credentials, owner] of [
      [home, 'hank'],
      [await as(member, 'ec2trail-inventory-reader'), 'ivy'],
    ] as const) {
      const ec2 = new EC2Client({ ...motoConfig(REGION), credentials });
      await ec2.send(
        new RunInstancesCommand({
          ImageId: 'ami-12c6146b',
          InstanceType: 't3.micro' as _InstanceType,
          MinCount: 1,
          MaxCount: 1,
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Owner', Value: owner }] }],
        }),
      );
      ec2.destroy();
    }
    sts.destroy();
    table = await freshTable(client, 'owners-accounts');
    env = {
      AWS_ACCESS_KEY_ID: home.accessKeyId,
      AWS_SECRET_ACCESS_KEY: home.secretAccessKey,
      AWS_SESSION_TOKEN: home.sessionToken,
      AWS_ENDPOINT_URL: motoEndpoint(),
      AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint(),
      AWS_REGION: REGION,
    };
  }, 60_000);

  const owners = (...extra: string[]) =>
    runInProcess(
      [
        'owners',
        '--regions',
        REGION,
        '--no-lookup',
        '--no-record',
        '--no-prices',
        '--table',
        table,
        '--output',
        'json',
        ...extra,
      ],
      { env },
    );
  const people = (stdout: string) =>
    (JSON.parse(stdout) as { instances: { account: string; person: string }[] }).instances
      .map((i) => `${i.account} ${i.person}`)
      .sort();

  it("lists every account of the organization, the members' through their reader role", async () => {
    const result = await owners('--accounts', 'organization');
    expect(result.stderr).toBe('');
    expect(people(result.stdout)).toEqual([`${HOME} hank`, `${member} ivy`].sort());
  });

  it('lists the accounts named, and only them', async () => {
    expect(people((await owners('--accounts', member)).stdout)).toEqual([`${member} ivy`]);
    // Without --accounts, the caller's own account alone.
    expect(people((await owners()).stdout)).toEqual([`${HOME} hank`]);
  });

  it('costs reads EC2 in the same accounts', async () => {
    const result = await runInProcess(
      [
        'costs',
        '--since',
        '1h',
        '--regions',
        REGION,
        '--accounts',
        'organization',
        '--no-prices',
        '--table',
        table,
        '--output',
        'json',
      ],
      { env },
    );
    expect(result.stderr).toBe('');
    const { instances } = JSON.parse(result.stdout) as { instances: { account: string; person: string }[] };
    expect(instances.map((i) => `${i.account} ${i.person}`).sort()).toEqual(
      [`${HOME} hank`, `${member} ivy`].sort(),
    );
  });

  it('refuses a malformed account or a role without accounts', async () => {
    for (const [args, message] of [
      [['--accounts', '1234'], '--accounts: "1234" is not a 12-digit account id (or say "organization")'],
      [['--role-name', 'reader'], '--role-name goes with --accounts'],
      [['--accounts', member, '--role-name', 'bad name'], '--role-name "bad name" is not an IAM role name'],
    ] as const) {
      const result = await owners(...args);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(message);
    }
  });
});
