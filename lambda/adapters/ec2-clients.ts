/**
 * Which EC2 client acts on an instance: the home account's, one per region, or none for an
 * account this deploy may not act in. Owner tags and remediation both ask through it.
 */

import type { EC2Client } from '@aws-sdk/client-ec2';

/** The SDK's credential shape (a structural copy, so no transitive package is imported). */
export interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** The EC2 client for an account and region, or null for an account this deploy may not tag. */
export type Ec2ClientFor = (account: string | null, region: string | null) => Promise<EC2Client | null>;

/** EC2 clients of the function's own account, one per region; null for any other account. */
export function homeAccountEc2(homeAccount: string, make: (region: string) => EC2Client): Ec2ClientFor {
  const clients = new Map<string, EC2Client>();
  return async (account, region) => {
    if (account !== homeAccount || region === null) return null;
    const existing = clients.get(region);
    if (existing) return existing;
    const client = make(region);
    clients.set(region, client);
    return client;
  };
}
