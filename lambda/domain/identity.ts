/** Who made a call: every CloudTrail `userIdentity` shape reduced to one actor. */

import { at, bool, isObject, prop, str } from './json';

export const IDENTITY_TYPES = [
  'Root',
  'IAMUser',
  'AssumedRole',
  'FederatedUser',
  'AWSAccount',
  'AWSService',
  'SAMLUser',
  'WebIdentityUser',
  'IdentityCenterUser',
  'Unknown',
  'Missing',
] as const;
export type IdentityType = (typeof IDENTITY_TYPES)[number];

/** What kind of party the actor is, so alerts and rules can tell a person from a service. */
export const ACTOR_KINDS = ['root', 'person', 'role', 'service', 'account', 'unknown'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

export interface Actor {
  readonly type: IdentityType;
  readonly kind: ActorKind;
  /** `userIdentity.arn` exactly as found; for Root without one, the account's root ARN. */
  readonly arn: string | null;
  /** The best human-readable label (README: "Who is the actor"). */
  readonly name: string | null;
  readonly accountId: string | null;
  readonly principalId: string | null;
  readonly userName: string | null;
  readonly roleArn: string | null;
  readonly roleName: string | null;
  readonly sessionName: string | null;
  readonly sourceIdentity: string | null;
  readonly identityStoreUserId: string | null;
  readonly federatedProvider: string | null;
  readonly invokedBy: string | null;
  readonly mfaAuthenticated: boolean | null;
  readonly viaConsole: boolean | null;
}

export interface ResolvedActor {
  readonly actor: Actor;
  readonly warnings: readonly string[];
}

function isReportedType(value: string): value is IdentityType {
  return value !== 'Missing' && (IDENTITY_TYPES as readonly string[]).includes(value);
}
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ARN_SHAPE = /^arn:aws[a-z-]*:(iam|sts)::\d{12}:\S+$/;
const SSO_ROLE_PATH = '/aws-reserved/sso.amazonaws.com/';
const SERVICE_ROLE_PATH = /:role\/aws-service-role\/([^/]+)\//;

/** The last `/` segment of an ARN resource, e.g. the user name in `...:user/path/Alice`. */
function lastSegment(arn: string | null, marker: string): string | null {
  if (!arn) return null;
  const index = arn.indexOf(marker);
  if (index < 0) return null;
  const rest = arn.slice(index + marker.length);
  const name = rest.slice(rest.lastIndexOf('/') + 1);
  return name.length > 0 ? name : null;
}

/** `assumed-role/ROLE/SESSION` → [ROLE, SESSION]. */
function assumedRoleParts(arn: string | null): [string | null, string | null] {
  if (!arn) return [null, null];
  const match = /:assumed-role\/([^/]+)\/(.+)$/.exec(arn);
  return match ? [match[1] ?? null, match[2] ?? null] : [null, null];
}

function isIdentityCenterRole(roleName: string | null, roleArn: string | null): boolean {
  return (roleName?.startsWith('AWSReservedSSO_') ?? false) || (roleArn?.includes(SSO_ROLE_PATH) ?? false);
}

/** The service behind a service-linked role (`.../aws-service-role/autoscaling.amazonaws.com/...`). */
function serviceLinkedService(roleName: string | null, roleArn: string | null): string | null {
  const fromPath = roleArn ? SERVICE_ROLE_PATH.exec(roleArn)?.[1] : undefined;
  if (fromPath) return fromPath;
  if (roleName?.startsWith('AWSServiceRoleFor')) {
    return `${roleName.slice('AWSServiceRoleFor'.length).toLowerCase()}.amazonaws.com`;
  }
  return null;
}

function nameAssumedRole(
  roleName: string | null,
  roleArn: string | null,
  sessionName: string | null,
  sourceIdentity: string | null,
  invokedBy: string | null,
): { name: string | null; kind: ActorKind } {
  if (isIdentityCenterRole(roleName, roleArn) && sessionName) return { name: sessionName, kind: 'person' };
  const service = serviceLinkedService(roleName, roleArn);
  if (service) return { name: invokedBy ?? service, kind: 'service' };
  if (sourceIdentity) return { name: sourceIdentity, kind: 'person' };
  if (sessionName && EMAIL.test(sessionName)) return { name: sessionName, kind: 'person' };
  if (roleName && sessionName) return { name: `${roleName}/${sessionName}`, kind: 'role' };
  return { name: roleName ?? sessionName, kind: 'role' };
}

/** The fields of `userIdentity` the naming rules read. */
interface IdentityFields {
  readonly rawArn: string | null;
  readonly accountId: string | null;
  readonly principalId: string | null;
  readonly invokedBy: string | null;
  readonly issuerArn: string | null;
  readonly issuerName: string | null;
  readonly sourceIdentity: string | null;
  readonly identityStoreUserId: string | null;
  readonly userName: string | null;
  /** Where a rule notes what it found odd. */
  readonly warnings: string[];
}

/** What a naming rule decides: who the actor is called, what kind it is, and the role parts. */
interface Naming {
  readonly arn: string | null;
  readonly roleArn: string | null;
  readonly roleName: string | null;
  readonly sessionName: string | null;
  readonly name: string | null;
  readonly kind: ActorKind;
}

function named(f: IdentityFields, name: string | null, kind: ActorKind, extra: Partial<Naming> = {}): Naming {
  return { arn: f.rawArn, roleArn: null, roleName: null, sessionName: null, name, kind, ...extra };
}

/** One naming rule per identity type (README: "Who is the actor"). */
const NAMING: Readonly<Record<IdentityType, (f: IdentityFields) => Naming>> = {
  Root: (f) => {
    const arn = f.rawArn ?? (f.accountId ? `arn:aws:iam::${f.accountId}:root` : null);
    // A service acting for the account (Auto Scaling before service-linked roles) is not a person signing in as root.
    return f.invokedBy?.endsWith('.amazonaws.com')
      ? named(f, f.invokedBy, 'service', { arn })
      : named(f, 'root', 'root', { arn });
  },
  IAMUser: (f) => named(f, f.userName ?? lastSegment(f.rawArn, ':user/') ?? f.principalId, 'person'),
  AssumedRole: (f) => {
    const [arnRole, arnSession] = assumedRoleParts(f.rawArn);
    const roleName = f.issuerName ?? arnRole;
    const sessionName =
      arnSession ??
      (f.principalId?.includes(':') ? f.principalId.slice(f.principalId.indexOf(':') + 1) : null);
    if (f.issuerName && arnRole && f.issuerName !== arnRole) {
      f.warnings.push(`session issuer "${f.issuerName}" differs from the role in the ARN ("${arnRole}")`);
    }
    const { name, kind } = nameAssumedRole(roleName, f.issuerArn, sessionName, f.sourceIdentity, f.invokedBy);
    return named(f, name, kind, { roleArn: f.issuerArn, roleName, sessionName });
  },
  FederatedUser: (f) => {
    const sessionName = lastSegment(f.rawArn, ':federated-user/');
    return named(f, sessionName ?? f.issuerName ?? f.principalId, 'person', {
      roleArn: f.issuerArn,
      sessionName,
    });
  },
  AWSAccount: (f) => named(f, f.accountId ? `account ${f.accountId}` : f.principalId, 'account'),
  AWSService: (f) => named(f, f.invokedBy ?? f.principalId, 'service'),
  SAMLUser: (f) => named(f, f.userName ?? f.principalId, 'person'),
  WebIdentityUser: (f) => named(f, f.userName ?? f.principalId, 'person'),
  IdentityCenterUser: (f) => named(f, f.userName ?? f.identityStoreUserId ?? f.principalId, 'person'),
  Unknown: (f) => named(f, f.userName ?? f.principalId, 'unknown'),
  Missing: (f) => named(f, f.userName ?? f.principalId, 'unknown'),
};

/**
 * Resolves the caller of a CloudTrail record. `viaConsoleHint` carries the record-level
 * `sessionCredentialFromConsole` flag, which CloudTrail writes outside `userIdentity`.
 */
export function resolveActor(userIdentity: unknown, viaConsoleHint: boolean | null = null): ResolvedActor {
  const warnings: string[] = [];
  if (!isObject(userIdentity)) {
    warnings.push(userIdentity === undefined ? 'userIdentity is missing' : 'userIdentity is not an object');
    return { actor: missingActor(viaConsoleHint), warnings };
  }

  const rawType = str(userIdentity.type)?.trim() ?? null;
  let type: IdentityType;
  if (rawType && isReportedType(rawType)) {
    type = rawType;
  } else {
    type = 'Unknown';
    warnings.push(
      rawType ? `userIdentity.type "${rawType}" is not a known type` : 'userIdentity.type is missing',
    );
  }

  const rawArn = str(userIdentity.arn);
  const accountId = str(userIdentity.accountId);
  const principalId = str(userIdentity.principalId);
  const invokedBy = str(userIdentity.invokedBy);
  const issuer = at(userIdentity, 'sessionContext', 'sessionIssuer');
  const issuerArn = str(prop(issuer, 'arn'));
  const issuerName = str(prop(issuer, 'userName'));
  const mfaAuthenticated = bool(at(userIdentity, 'sessionContext', 'attributes', 'mfaAuthenticated'));
  const sourceIdentity =
    str(at(userIdentity, 'sessionContext', 'sourceIdentity')) ?? str(userIdentity.sourceIdentity);
  const identityStoreUserId = str(at(userIdentity, 'onBehalfOf', 'userId'));
  const federatedProvider =
    str(userIdentity.identityProvider) ??
    str(at(userIdentity, 'sessionContext', 'webIdFederationData', 'federatedProvider'));
  const userName = str(userIdentity.userName);

  if (rawArn && !ARN_SHAPE.test(rawArn))
    warnings.push(`userIdentity.arn "${rawArn}" is malformed; kept as found`);
  if (accountId && !/^\d{12}$/.test(accountId)) {
    warnings.push(`userIdentity.accountId "${accountId}" is not a 12-digit account id`);
  }

  const naming = NAMING[type]({
    rawArn,
    accountId,
    principalId,
    invokedBy,
    issuerArn,
    issuerName,
    sourceIdentity,
    identityStoreUserId,
    userName,
    warnings,
  });
  const { arn, roleArn, roleName, sessionName, name, kind } = naming;

  if (name === null) warnings.push('the caller has no usable name');

  const consoleByService = invokedBy === 'signin.amazonaws.com' ? true : null;
  // A console session signs with temporary credentials (ASIA…); a long-term key (AKIA…) is a
  // program's, whatever else the record claims (IAM's documented key-id prefixes).
  const accessKeyId = str(userIdentity.accessKeyId);
  const longTermKey = accessKeyId?.startsWith('AKIA') ?? false;
  if (longTermKey && viaConsoleHint === true)
    warnings.push(
      `sessionCredentialFromConsole is true, but the call was signed with the long-term access key ${accessKeyId}: not a console session`,
    );
  const viaConsole = longTermKey ? false : (viaConsoleHint ?? consoleByService);
  return {
    actor: {
      type,
      kind,
      arn,
      name,
      accountId,
      principalId,
      userName,
      roleArn,
      roleName,
      sessionName,
      sourceIdentity,
      identityStoreUserId,
      federatedProvider,
      invokedBy,
      mfaAuthenticated,
      viaConsole,
    },
    warnings,
  };
}

/**
 * Where a person's name comes from, and whether anyone but the caller could have chosen it.
 * `verified`: IAM itself (an IAM user's name, the root user), or an identity provider (IAM
 * Identity Center names the sessions of the roles it owns, under the reserved path
 * `/aws-reserved/sso.amazonaws.com/`, after its user; a SAML or web identity provider names its
 * users). `claimed`: whoever calls AssumeRole chooses the session name and the source identity,
 * and whoever calls GetFederationToken the federated user's name; CloudTrail's record of an EC2
 * call cannot tell whether an identity provider set them.
 */
export interface NameProof {
  readonly verified: boolean;
  /** The field the name was read from, in words for people. */
  readonly from: string;
}

/** The proof of a person's name; null when the actor is not a person (a role, a service, an account). */
export function personProof(actor: Actor): NameProof | null {
  if (actor.type === 'Root' && actor.kind === 'root') return { verified: true, from: 'the root user' };
  if (actor.kind !== 'person' || actor.name === null) return null;
  switch (actor.type) {
    case 'IAMUser':
      return { verified: true, from: 'IAM user name' };
    case 'SAMLUser':
    case 'WebIdentityUser':
      return { verified: true, from: 'identity provider' };
    case 'IdentityCenterUser':
      return actor.userName && actor.name === actor.userName
        ? { verified: true, from: 'IAM Identity Center user name' }
        : { verified: true, from: 'IAM Identity Center user id (the record carries no user name)' };
    case 'FederatedUser':
      return { verified: false, from: 'federated user name, chosen by the GetFederationToken caller' };
    case 'AssumedRole':
      if (actor.name === actor.sessionName && actor.roleArn?.includes(SSO_ROLE_PATH))
        return { verified: true, from: 'IAM Identity Center session name' };
      if (actor.sourceIdentity !== null && actor.name === actor.sourceIdentity)
        return { verified: false, from: 'source identity, set by the AssumeRole caller' };
      return { verified: false, from: 'role session name, chosen by the AssumeRole caller' };
    default:
      return { verified: false, from: 'a field the caller may choose' };
  }
}

/** The principal that really made the call, for "X (claims to be Y)": the role, or the ARN. */
export function principalLabel(actor: Actor): string {
  if (actor.roleName) return `role ${actor.roleName}`;
  if (actor.type === 'FederatedUser' && actor.roleArn) return actor.roleArn;
  return actor.arn ?? actor.principalId ?? 'an unidentified principal';
}

/**
 * Whether CloudTrail's `mfaAuthenticated` says anything about this caller. It is true only when
 * the IAM user or root user whose credentials signed the request signed in with MFA; an identity
 * provider's MFA (IAM Identity Center, SAML, web identity) is invisible to AWS, whose records then
 * say "false" however strongly the person signed in. So it is judged for IAM users and root only.
 */
export function mfaKnowable(actor: Pick<Actor, 'type'>): boolean {
  return actor.type === 'IAMUser' || actor.type === 'Root';
}

/** An actor with the given fields and every other one null. */
export function actorWith(fields: Partial<Actor> & Pick<Actor, 'type' | 'kind'>): Actor {
  return {
    arn: null,
    name: null,
    accountId: null,
    principalId: null,
    userName: null,
    roleArn: null,
    roleName: null,
    sessionName: null,
    sourceIdentity: null,
    identityStoreUserId: null,
    federatedProvider: null,
    invokedBy: null,
    mfaAuthenticated: null,
    viaConsole: null,
    ...fields,
  };
}

function missingActor(viaConsole: boolean | null): Actor {
  return actorWith({ type: 'Missing', kind: 'unknown', viaConsole });
}
