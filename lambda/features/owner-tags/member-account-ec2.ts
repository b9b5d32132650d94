/**
 * EC2 clients for an organization's accounts: the home account's with the function's own role,
 * a member account's with the owner-tag role the member StackSet puts there, assumed with the
 * deploy's external id. The trust policy of that role also requires the caller to be this
 * function's role in the same organization; the external id keeps it from being assumed by a
 * confused deputy that only knows the role's name.
 */

import type { EC2Client } from '@aws-sdk/client-ec2';
import type { STSClient } from '@aws-sdk/client-sts';
import { assumedRoleSessions } from '../../adapters/assumed-role-sessions';
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

export function memberAccountEc2(options: MemberAccountEc2Options): Ec2ClientFor {
  const { homeAccount, role, sts, make } = options;
  const clients = new Map<string, EC2Client>();
  const credentialsOf = assumedRoleSessions(
    sts,
    { ...role, sessionName: 'ec2trail-owner-tags' },
    options.now ?? Date.now,
  );

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
