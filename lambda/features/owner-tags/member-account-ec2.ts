/**
 * EC2 clients for an organization's accounts: the home account's with the function's own role,
 * a member account's with the owner-tag role the member StackSet puts there, assumed with the
 * deploy's external id. The trust policy of that role also requires the caller to be this
 * function's role in the same organization; the external id keeps it from being assumed by a
 * confused deputy that only knows the role's name.
 */

import type { EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, Ec2ClientFor } from '../../adapters/ec2-clients';

export interface MemberRole {
  /** The role's name, the same in every member account. */
  readonly roleName: string;
  readonly externalId: string;
  /** `aws`, `aws-cn`, `aws-us-gov`: the accounts' partition. */
  readonly partition: string;
}

export interface MemberAccountEc2Options {
  readonly homeAccount: string;
  readonly role: MemberRole;
  readonly sts: STSClient;
  /** A client for a region, with the given credentials (undefined: the function's own). */
  readonly make: (region: string, credentials?: () => Promise<AwsCredentialIdentity>) => EC2Client;
  readonly now?: () => number;
}

/** The shortest session STS grants: a tagging call needs seconds. */
const SESSION_SECONDS = 900;
/** Credentials this close to their end are renewed before the next call. */
const RENEW_BEFORE_MS = 120_000;

export function memberAccountEc2(options: MemberAccountEc2Options): Ec2ClientFor {
  const { homeAccount, role, sts, make } = options;
  const now = options.now ?? Date.now;
  const clients = new Map<string, EC2Client>();
  const sessions = new Map<string, Promise<AwsCredentialIdentity>>();

  async function assume(account: string): Promise<AwsCredentialIdentity> {
    const answer = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:${role.partition}:iam::${account}:role/${role.roleName}`,
        RoleSessionName: 'ec2trail-owner-tags',
        ExternalId: role.externalId,
        DurationSeconds: SESSION_SECONDS,
      }),
    );
    const c = answer.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey)
      throw new Error(`AssumeRole into ${account} returned no credentials`);
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
  }

  /** One session per account at a time, shared by concurrent calls, renewed near its end. */
  function credentialsOf(account: string): () => Promise<AwsCredentialIdentity> {
    return async () => {
      const current = sessions.get(account);
      if (current) {
        const held = await current.catch(() => null);
        if (held && (!held.expiration || held.expiration.getTime() - now() > RENEW_BEFORE_MS)) return held;
        if (sessions.get(account) !== current) return credentialsOf(account)();
      }
      const next = assume(account);
      sessions.set(account, next);
      // A refused AssumeRole is not kept: the next event tries again (the role may be deploying).
      next.catch(() => {
        if (sessions.get(account) === next) sessions.delete(account);
      });
      return next;
    };
  }

  return async (account, region) => {
    if (account === null || region === null || !/^\d{12}$/.test(account)) return null;
    const key = `${account}/${region}`;
    const existing = clients.get(key);
    if (existing) return existing;
    let client: EC2Client;
    if (account === homeAccount) client = make(region);
    else {
      const credentials = credentialsOf(account);
      // Fails here, not on the first CreateTags, when the role cannot be assumed: the tagger then
      // reports it as the reason, and the owner-tag alarm counts it.
      await credentials();
      client = make(region, credentials);
    }
    clients.set(key, client);
    return client;
  };
}
