/**
 * Owner tags in a member account, through STS and EC2 as moto's server plays them: the adapter
 * assumes the member role with the deploy's external id, and the tags land on the instance in
 * that account (moto keeps each account's resources apart by the credentials that call), never
 * on the home account's. The member account's instance is launched here with the same role.
 */
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { Ec2OwnerTagger } from '../../lambda/features/owner-tags/ec2-owner-tagger';
import { memberAccountEc2 } from '../../lambda/features/owner-tags/member-account-ec2';
import { MOTO_ACCOUNT } from '../../support/moto-server';
import { launchInMoto } from '../helpers/moto';
import { motoConfig } from '../helpers/services';

const MEMBER = '444455556666';
const ROLE = 'ec2trail-owner-tagger';

describe('owner tags in a member account, on moto', () => {
  it('assumes the member role and tags the instance in that account only', async () => {
    const sts = new STSClient(motoConfig('us-east-1'));
    const session = await sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MEMBER}:role/${ROLE}`, RoleSessionName: 'setup' }),
    );
    const c = session.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('moto gave no credentials');
    const memberEc2 = new EC2Client({
      ...motoConfig('eu-west-1'),
      credentials: {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
      },
    });
    const { ids } = await launchInMoto(memberEc2, 1, 't3.micro');
    const [id] = ids;
    if (!id) throw new Error('no instance');

    const made: string[] = [];
    const clientFor = memberAccountEc2({
      homeAccount: MOTO_ACCOUNT,
      role: { roleName: ROLE, externalId: 'ext-1234', partition: 'aws' },
      sts,
      make: (region, credentials) => {
        made.push(region);
        return new EC2Client({ ...motoConfig(region), ...(credentials ? { credentials } : {}) });
      },
    });
    const tagger = new Ec2OwnerTagger({ clientFor, overwrite: false, maxAttempts: 2, sleep: async () => {} });
    const outcome = await tagger.apply(
      {
        eventKey: 'member-launch',
        account: MEMBER,
        region: 'eu-west-1',
        calls: [{ resources: [id], tags: [{ key: 'Owner', value: 'jane@example.com' }] }],
        kept: [],
      },
      { repeat: false },
    );
    expect(outcome).toMatchObject({ written: 1, problems: [] });
    const inMember = await memberEc2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    expect(inMember.Reservations?.[0]?.OwnerId).toBe(MEMBER);
    expect(inMember.Reservations?.[0]?.Instances?.[0]?.Tags).toContainEqual({
      Key: 'Owner',
      Value: 'jane@example.com',
    });
    // The home account has no such instance: moto keeps the accounts apart.
    const home = new EC2Client(motoConfig('eu-west-1'));
    await expect(home.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).rejects.toMatchObject({
      name: 'InvalidInstanceID.NotFound',
    });
    expect(made).toEqual(['eu-west-1']);
    for (const client of [sts, memberEc2, home]) client.destroy();
  });
});
