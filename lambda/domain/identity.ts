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

  let arn = rawArn;
  let roleArn: string | null = null;
  let roleName: string | null = null;
  let sessionName: string | null = null;
  let name: string | null;
  let kind: ActorKind;

  switch (type) {
    case 'Root':
      arn = rawArn ?? (accountId ? `arn:aws:iam::${accountId}:root` : null);
      // A service acting for the account (Auto Scaling before service-linked roles) is not a person signing in as root.
      if (invokedBy && invokedBy.endsWith('.amazonaws.com')) {
        name = invokedBy;
        kind = 'service';
      } else {
        name = 'root';
        kind = 'root';
      }
      break;
    case 'IAMUser':
      name = userName ?? lastSegment(rawArn, ':user/') ?? principalId;
      kind = 'person';
      break;
    case 'AssumedRole': {
      const [arnRole, arnSession] = assumedRoleParts(rawArn);
      roleArn = issuerArn;
      roleName = issuerName ?? arnRole;
      sessionName =
        arnSession ?? (principalId?.includes(':') ? principalId.slice(principalId.indexOf(':') + 1) : null);
      if (issuerName && arnRole && issuerName !== arnRole) {
        warnings.push(`session issuer "${issuerName}" differs from the role in the ARN ("${arnRole}")`);
      }
      ({ name, kind } = nameAssumedRole(roleName, roleArn, sessionName, sourceIdentity, invokedBy));
      break;
    }
    case 'FederatedUser':
      roleArn = issuerArn;
      sessionName = lastSegment(rawArn, ':federated-user/');
      name = sessionName ?? issuerName ?? principalId;
      kind = 'person';
      break;
    case 'AWSAccount':
      name = accountId ? `account ${accountId}` : principalId;
      kind = 'account';
      break;
    case 'AWSService':
      name = invokedBy ?? principalId;
      kind = 'service';
      break;
    case 'SAMLUser':
    case 'WebIdentityUser':
      name = userName ?? principalId;
      kind = 'person';
      break;
    case 'IdentityCenterUser':
      name = userName ?? identityStoreUserId ?? principalId;
      kind = 'person';
      break;
    default:
      name = userName ?? principalId;
      kind = 'unknown';
  }

  if (name === null) warnings.push('the caller has no usable name');

  const consoleByService = invokedBy === 'signin.amazonaws.com' ? true : null;
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
      viaConsole: viaConsoleHint ?? consoleByService,
    },
    warnings,
  };
}

function missingActor(viaConsole: boolean | null): Actor {
  return {
    type: 'Missing',
    kind: 'unknown',
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
    viaConsole,
  };
}
