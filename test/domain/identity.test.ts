import { personProof, resolveActor } from '../../lambda/domain';
import { recordsOf } from '../helpers/fixtures';

const session = (role: string, name: string, path = '', extra: object = {}) => ({
  type: 'AssumedRole',
  arn: `arn:aws:sts::111122223333:assumed-role/${role}/${name}`,
  principalId: `AROAEXAMPLE:${name}`,
  accountId: '111122223333',
  sessionContext: {
    sessionIssuer: { type: 'Role', arn: `arn:aws:iam::111122223333:role/${path}${role}`, userName: role },
    attributes: { mfaAuthenticated: 'true' },
  },
  ...extra,
});

describe('resolveActor naming rules', () => {
  it.each([
    [
      'an IAM user is named by its user name',
      { type: 'IAMUser', userName: 'alice', arn: 'arn:aws:iam::111122223333:user/alice' },
      'alice',
      'person',
    ],
    [
      'an IAM user without userName is named from its ARN',
      { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/team/dev/alice' },
      'alice',
      'person',
    ],
    ['the root user is "root"', { type: 'Root', accountId: '111122223333' }, 'root', 'root'],
    [
      'a Root identity invoked by an AWS service is that service acting for the account',
      { type: 'Root', accountId: '111122223333', invokedBy: 'autoscaling.amazonaws.com' },
      'autoscaling.amazonaws.com',
      'service',
    ],
    [
      'an SSO session names the person in its session name',
      session('AWSReservedSSO_Admin_0123', 'jane'),
      'jane',
      'person',
    ],
    [
      'an SSO role found by its path names the person',
      session('PowerUsers', 'li.wei', 'aws-reserved/sso.amazonaws.com/eu-west-1/'),
      'li.wei',
      'person',
    ],
    [
      'an Auto Scaling service-linked role is the service',
      session('AWSServiceRoleForAutoScaling', 'AutoScaling', 'aws-service-role/autoscaling.amazonaws.com/', {
        invokedBy: 'autoscaling.amazonaws.com',
      }),
      'autoscaling.amazonaws.com',
      'service',
    ],
    [
      'a service-linked role without its path is still the service',
      session('AWSServiceRoleForAutoScaling', 'AutoScaling'),
      'autoscaling.amazonaws.com',
      'service',
    ],
    [
      'a session name that is an email is the person',
      session('Developer', 'sam@example.com'),
      'sam@example.com',
      'person',
    ],
    [
      'a source identity names the person behind a role',
      {
        ...session('Deployer', 'job-17'),
        sessionContext: { ...session('Deployer', 'job-17').sessionContext, sourceIdentity: 'kim' },
      },
      'kim',
      'person',
    ],
    ['any other role session is role/session', session('Deployer', 'job-17'), 'Deployer/job-17', 'role'],
    [
      'a federated user is named from its ARN',
      { type: 'FederatedUser', arn: 'arn:aws:sts::111122223333:federated-user/bob' },
      'bob',
      'person',
    ],
    [
      'another account is named by its id',
      { type: 'AWSAccount', accountId: '444455556666', principalId: 'AIDAX' },
      'account 444455556666',
      'account',
    ],
    [
      'an AWS service is named by invokedBy',
      { type: 'AWSService', invokedBy: 'ssm.amazonaws.com' },
      'ssm.amazonaws.com',
      'service',
    ],
    [
      'a SAML user is named by user name',
      { type: 'SAMLUser', userName: 'saml-jo', identityProvider: 'idp' },
      'saml-jo',
      'person',
    ],
    [
      'a web identity user is named by user name',
      { type: 'WebIdentityUser', userName: 'u-1', identityProvider: 'accounts.google.com' },
      'u-1',
      'person',
    ],
    [
      'an Identity Center user is named by user name',
      { type: 'IdentityCenterUser', userName: 'pat', onBehalfOf: { userId: 'uid-1' } },
      'pat',
      'person',
    ],
    [
      'an Identity Center user without user name is named by store user id',
      { type: 'IdentityCenterUser', onBehalfOf: { userId: 'uid-1' } },
      'uid-1',
      'person',
    ],
    ['an unknown identity falls back to user name', { type: 'Unknown', userName: 'x' }, 'x', 'unknown'],
    [
      'an unknown identity falls back to principal id',
      { type: 'Unknown', principalId: 'p-1' },
      'p-1',
      'unknown',
    ],
  ])('%s', (_title, identity, name, kind) => {
    const { actor } = resolveActor(identity);
    expect(actor.name).toBe(name);
    expect(actor.kind).toBe(kind);
  });
});

describe('resolveActor fields', () => {
  it('keeps the ARN exactly and derives the root ARN only when absent', () => {
    expect(resolveActor({ type: 'Root', arn: 'arn:aws:iam::111122223333:root' }).actor.arn).toBe(
      'arn:aws:iam::111122223333:root',
    );
    expect(resolveActor({ type: 'Root', accountId: '123456789012' }).actor.arn).toBe(
      'arn:aws:iam::123456789012:root',
    );
  });

  it('fills role, session, MFA, source identity and provider fields', () => {
    const { actor } = resolveActor({
      ...session('Deployer', 'job-17'),
      invokedBy: 'codebuild.amazonaws.com',
      onBehalfOf: { userId: 'store-user-1' },
      sessionContext: {
        ...session('Deployer', 'job-17').sessionContext,
        sourceIdentity: 'kim',
        webIdFederationData: {
          federatedProvider: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
        },
      },
    });
    expect(actor).toMatchObject({
      roleArn: 'arn:aws:iam::111122223333:role/Deployer',
      roleName: 'Deployer',
      sessionName: 'job-17',
      sourceIdentity: 'kim',
      identityStoreUserId: 'store-user-1',
      federatedProvider: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
      invokedBy: 'codebuild.amazonaws.com',
      mfaAuthenticated: true,
    });
  });

  it('reports a missing identity as type Missing with a warning', () => {
    const { actor, warnings } = resolveActor(undefined);
    expect(actor.type).toBe('Missing');
    expect(warnings).toEqual(['userIdentity is missing']);
  });

  it('reports an unrecognised identity type as Unknown and names it', () => {
    const { actor, warnings } = resolveActor({ type: 'Directory', userName: 'd' });
    expect(actor.type).toBe('Unknown');
    expect(warnings).toContain('userIdentity.type "Directory" is not a known type');
  });

  it('warns about a malformed ARN but keeps it as found', () => {
    const arn = 'arn: aws: iam: : 123456789012: user/Alice';
    const { actor, warnings } = resolveActor({ type: 'IAMUser', arn, userName: 'Alice' });
    expect(actor.arn).toBe(arn);
    expect(warnings).toContain(`userIdentity.arn "${arn}" is malformed; kept as found`);
  });

  it('treats a sign-in service call as a console action', () => {
    expect(
      resolveActor({ type: 'IAMUser', userName: 'c', invokedBy: 'signin.amazonaws.com' }).actor.viaConsole,
    ).toBe(true);
  });
});

describe('console sessions and long-term keys', () => {
  // IAM's key-id prefixes: AKIA is a long-term access key, ASIA temporary credentials (a console session's).
  const user = (accessKeyId: string) => ({
    type: 'IAMUser',
    arn: 'arn:aws:iam::777788889999:user/Nikki',
    userName: 'Nikki',
    accessKeyId,
    sessionContext: { attributes: { mfaAuthenticated: 'false' } },
  });

  it('believes sessionCredentialFromConsole for temporary credentials', () => {
    const { actor, warnings } = resolveActor(user('ASIAIBYSIDIWJHEJYUIQ'), true);
    expect(actor.viaConsole).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('does not for a long-term key, and says why', () => {
    const { actor, warnings } = resolveActor(user('AKIAI44QH8DHBEXAMPLE'), true);
    expect(actor.viaConsole).toBe(false);
    expect(warnings).toEqual([
      'sessionCredentialFromConsole is true, but the call was signed with the long-term access key AKIAI44QH8DHBEXAMPLE: not a console session',
    ]);
  });
});

describe('whether a person is who the record says (personProof)', () => {
  // By the AWS documentation: IAM sets user names; IAM Identity Center names the sessions of the
  // roles it owns under /aws-reserved/sso.amazonaws.com/; the AssumeRole caller chooses the session
  // name and the source identity; the GetFederationToken caller chooses the federated name.
  const proofOf = (fixture: string) => {
    const [record] = recordsOf(fixture);
    if (!record) throw new Error(`no record in ${fixture}`);
    const proof = personProof(record.actor);
    return proof ? `${proof.verified ? 'verified' : 'claimed'}: ${proof.from}` : null;
  };

  it.each([
    ['events/runinstances-iamuser-cli.json', 'verified: IAM user name'],
    ['events/runinstances-root-console.json', 'verified: the root user'],
    ['events/runinstances-sso-terraform.json', 'verified: IAM Identity Center session name'],
    ['events/startinstances-samluser.json', 'verified: identity provider'],
    [
      'events/terminateinstances-identitycenteruser.json',
      'verified: IAM Identity Center user id (the record carries no user name)',
    ],
    [
      'events/stopinstances-assumedrole-sourceidentity.json',
      'claimed: source identity, set by the AssumeRole caller',
    ],
    [
      'events/runinstances-unauthorized-federated.json',
      'claimed: federated user name, chosen by the GetFederationToken caller',
    ],
    ['events/stopinstances-awsservice.json', null],
  ])('%s: %s', (fixture, expected) => {
    expect(proofOf(fixture)).toBe(expected);
  });

  it("does not take a role named like Identity Center's for one without its reserved path", () => {
    const { actor } = resolveActor({
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0a1b2c3d4e5f6a7b/jane@example.com',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          arn: 'arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_0a1b2c3d4e5f6a7b',
          userName: 'AWSReservedSSO_Admin_0a1b2c3d4e5f6a7b',
        },
      },
    });
    expect(personProof(actor)).toEqual({
      verified: false,
      from: 'role session name, chosen by the AssumeRole caller',
    });
  });
});
