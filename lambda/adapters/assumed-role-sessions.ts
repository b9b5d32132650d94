/**
 * Credentials of a role with the same name in each account of an organization, assumed from the
 * home function's own role: one session per account at a time, shared by concurrent calls and
 * renewed near its end. A refused AssumeRole is not kept, so the next call tries again (the role
 * may still be deploying).
 */

import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from './ec2-clients';

export interface AssumedRole {
  /** The role's name, the same in every member account. */
  readonly roleName: string;
  /** `aws`, `aws-cn`, `aws-us-gov`: the accounts' partition. */
  readonly partition: string;
  readonly sessionName: string;
  /** Passed to AssumeRole when the role's trust policy asks for one. @default none */
  readonly externalId?: string;
}

/** The shortest session STS grants: each use needs seconds to minutes. */
const SESSION_SECONDS = 900;
/** Credentials this close to their end are renewed before the next call. */
const RENEW_BEFORE_MS = 120_000;

export function assumedRoleSessions(
  sts: STSClient,
  role: AssumedRole,
  now: () => number = Date.now,
): (account: string) => () => Promise<AwsCredentialIdentity> {
  const sessions = new Map<string, Promise<AwsCredentialIdentity>>();

  async function assume(account: string): Promise<AwsCredentialIdentity> {
    const answer = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:${role.partition}:iam::${account}:role/${role.roleName}`,
        RoleSessionName: role.sessionName,
        ...(role.externalId ? { ExternalId: role.externalId } : {}),
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
      next.catch(() => {
        if (sessions.get(account) === next) sessions.delete(account);
      });
      return next;
    };
  }
  return credentialsOf;
}
