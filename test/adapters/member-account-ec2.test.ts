/**
 * EC2 clients for member accounts, through the owner-tag role assumed with the deploy's external
 * id (STS mocked: there is no STS emulator here). The request is typed by the SDK's own
 * AssumeRoleCommandInput; 900 s is the shortest session STS grants (AssumeRole API reference).
 */

import { EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, type AssumeRoleCommandInput, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsCredentialIdentity } from '../../lambda/adapters/ec2-clients';
import { memberAccountEc2 } from '../../lambda/features/owner-tags/member-account-ec2';

const sts = mockClient(STSClient);
const HOME = '111122223333';
const MEMBER = '444455556666';
const ROLE = {
  roleName: 'ec2trail-owner-tagger',
  externalId: 'd2c4f0a0-1111-2222-3333-444455556666',
  partition: 'aws',
};

function setup(now: { t: number }) {
  const made: { region: string; credentials?: () => Promise<AwsCredentialIdentity> }[] = [];
  const clientFor = memberAccountEc2({
    homeAccount: HOME,
    role: ROLE,
    sts: new STSClient({ region: 'eu-west-1' }),
    make: (region, credentials) => {
      made.push({ region, ...(credentials ? { credentials } : {}) });
      return new EC2Client({ region });
    },
    now: () => now.t,
  });
  return { clientFor, made };
}

const session = (expiresAt: number, key = 'ASIAEXAMPLE') => ({
  Credentials: {
    AccessKeyId: key,
    SecretAccessKey: 'secret',
    SessionToken: 'token',
    Expiration: new Date(expiresAt),
  },
});

beforeEach(() => sts.reset());

describe('memberAccountEc2', () => {
  it("uses the function's own credentials at home and assumes nothing", async () => {
    const { clientFor, made } = setup({ t: 0 });
    expect(await clientFor(HOME, 'eu-west-1')).toBeInstanceOf(EC2Client);
    expect(made).toEqual([{ region: 'eu-west-1' }]);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it("assumes the member's role with the external id, once per account, for every region", async () => {
    const now = { t: Date.parse('2026-12-03T10:00:00Z') };
    sts.on(AssumeRoleCommand).resolves(session(now.t + 900_000));
    const { clientFor, made } = setup(now);
    const first = await clientFor(MEMBER, 'eu-west-1');
    expect(await clientFor(MEMBER, 'eu-west-1')).toBe(first);
    await clientFor(MEMBER, 'us-east-1');
    const expected: AssumeRoleCommandInput = {
      RoleArn: `arn:aws:iam::${MEMBER}:role/ec2trail-owner-tagger`,
      RoleSessionName: 'ec2trail-owner-tags',
      ExternalId: ROLE.externalId,
      DurationSeconds: 900,
    };
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([expected]);
    expect(made.map((m) => m.region)).toEqual(['eu-west-1', 'us-east-1']);
    const credentials = await made[0]?.credentials?.();
    expect(credentials).toEqual({
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expiration: new Date(now.t + 900_000),
    });
  });

  it('renews the session two minutes before it ends, not before', async () => {
    const now = { t: 1_000_000 };
    sts
      .on(AssumeRoleCommand)
      .resolvesOnce(session(now.t + 900_000, 'FIRST'))
      .resolves(session(now.t + 1_800_000, 'SECOND'));
    const { clientFor, made } = setup(now);
    await clientFor(MEMBER, 'eu-west-1');
    const provider = made[0]?.credentials;
    now.t += 900_000 - 120_001;
    expect((await provider?.())?.accessKeyId).toBe('FIRST');
    now.t += 2;
    expect((await provider?.())?.accessKeyId).toBe('SECOND');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('fails for a member whose role cannot be assumed, and tries again on the next event', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejectsOnce(
        Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' }),
      )
      .resolves(session(Date.now() + 900_000));
    const { clientFor } = setup({ t: Date.now() });
    await expect(clientFor(MEMBER, 'eu-west-1')).rejects.toThrow('not authorized');
    expect(await clientFor(MEMBER, 'eu-west-1')).toBeInstanceOf(EC2Client);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('answers null for an event without an account or region, or with an account that is not one', async () => {
    const { clientFor } = setup({ t: 0 });
    expect(await clientFor(null, 'eu-west-1')).toBeNull();
    expect(await clientFor(MEMBER, null)).toBeNull();
    expect(await clientFor('arn:aws:iam::x', 'eu-west-1')).toBeNull();
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
  });

  it('refuses an answer without credentials', async () => {
    sts.on(AssumeRoleCommand).resolves({});
    const { clientFor } = setup({ t: 0 });
    await expect(clientFor(MEMBER, 'eu-west-1')).rejects.toThrow(
      `AssumeRole into ${MEMBER} returned no credentials`,
    );
  });
});
