import { type Actor, resolveActor } from '../../lambda/domain';
import { type MinuteCount, quotaPeak, quotaSpan, quotaSubject } from '../../lambda/domain/policy/quota';

const t = (hhmm: string) => Date.parse(`2026-03-02T${hhmm}:00Z`);
const at = (hhmm: string, launches: number): MinuteCount => ({ minuteMs: t(hhmm), launches });

function assumed(role: string, session: string, extra: object = {}): Actor {
  return resolveActor({
    type: 'AssumedRole',
    arn: `arn:aws:sts::111122223333:assumed-role/${role}/${session}`,
    sessionContext: {
      sessionIssuer: { arn: `arn:aws:iam::111122223333:role/${role}`, userName: role },
      ...extra,
    },
  }).actor;
}

describe('who a launch counts against', () => {
  it.each([
    [
      'an IAM user, by ARN',
      resolveActor({ type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice' }).actor,
      'principal:arn:aws:iam::111122223333:user/alice',
    ],
    [
      'a role session, by its role',
      assumed('ci-deployer', 'job-0'),
      'role:arn:aws:iam::111122223333:role/ci-deployer',
    ],
    [
      'another session of that role, the same',
      assumed('ci-deployer', 'job-1'),
      'role:arn:aws:iam::111122223333:role/ci-deployer',
    ],
    [
      'a session with a source identity, by it',
      assumed('ci-deployer', 'job-2', { sourceIdentity: 'alice' }),
      'source:alice',
    ],
    [
      'an SSO session, by the person',
      assumed('AWSReservedSSO_Admin_0123', 'jane@example.com'),
      'person:jane@example.com',
    ],
    [
      'a federated user, by the IAM user who asked for the token',
      resolveActor({
        type: 'FederatedUser',
        arn: 'arn:aws:sts::111122223333:federated-user/any-name',
        sessionContext: {
          sessionIssuer: { arn: 'arn:aws:iam::111122223333:user/broker', userName: 'broker' },
        },
      }).actor,
      'issuer:arn:aws:iam::111122223333:user/broker',
    ],
    [
      'a service-linked role, by its service',
      assumed('AWSServiceRoleForAutoScaling', 'AutoScaling'),
      'service:autoscaling.amazonaws.com',
    ],
    [
      'a service acting as the account root, by its service',
      resolveActor({ type: 'Root', accountId: '111122223333', invokedBy: 'autoscaling.amazonaws.com' }).actor,
      'service:autoscaling.amazonaws.com',
    ],
    [
      'a federated user without an issuer, by its ARN',
      resolveActor({ type: 'FederatedUser', arn: 'arn:aws:sts::111122223333:federated-user/x' }).actor,
      'principal:arn:aws:sts::111122223333:federated-user/x',
    ],
    [
      'a caller with only a name, by the name',
      resolveActor({ type: 'SAMLUser', userName: 'sam' }).actor,
      'name:sam',
    ],
    [
      'a role session whose issuer has no ARN, by the role name',
      resolveActor({ type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/ops/job-9' }).actor,
      'role:ops',
    ],
  ])('%s', (_name, actor, subject) => {
    expect(quotaSubject(actor)).toBe(subject);
  });

  it('counts no one for a caller with nothing to name it by', () => {
    expect(quotaSubject(resolveActor(undefined).actor)).toBeNull();
    expect(quotaSubject(resolveActor({ type: 'AssumedRole' }).actor)).toBeNull();
  });
});

describe('the minutes a launch reads', () => {
  it('spans every window of the quota that contains its minute, before and after', () => {
    // 09:15:30 with a 60-minute window: windows start from 08:16 to 09:15, so 08:16 to 10:14.
    expect(quotaSpan(Date.parse('2026-03-02T09:15:30Z'), 60)).toEqual({
      fromMs: t('08:16'),
      toMs: t('10:14'),
    });
    expect(quotaSpan(Date.parse('2026-03-02T09:15:30Z'), 1)).toEqual({
      fromMs: t('09:15'),
      toMs: t('09:15'),
    });
  });
});

describe('the busiest quota window around a launch', () => {
  it.each([
    // [counts, judged at, window, expected launches] — each expected value counted by hand.
    [[], '09:00', 60, 0],
    [[at('09:00', 20)], '09:00', 60, 20],
    // Three launches of 20 within 20 minutes: the same 60 whichever of them is judged.
    [[at('09:00', 20), at('09:10', 20), at('09:20', 20)], '09:00', 60, 60],
    [[at('09:00', 20), at('09:10', 20), at('09:20', 20)], '09:10', 60, 60],
    [[at('09:00', 20), at('09:10', 20), at('09:20', 20)], '09:20', 60, 60],
    // 59 minutes apart share a 60-minute window; 60 minutes apart do not.
    [[at('09:00', 20), at('09:59', 20)], '09:00', 60, 40],
    [[at('09:00', 20), at('10:00', 20)], '09:00', 60, 20],
    [[at('09:00', 20), at('10:00', 20)], '10:00', 60, 20],
    // The window that counts may lie after the launch judged (it arrived late).
    [[at('08:00', 5), at('09:00', 1), at('09:30', 30)], '09:00', 60, 31],
    // Minutes outside every window containing the launch never count.
    [[at('07:00', 100), at('09:00', 1), at('11:00', 100)], '09:00', 60, 1],
    [[at('09:00', 3), at('09:00', 4)], '09:00', 1, 7],
  ])('%j judged at %s over %i minutes: %i', (counts, judged, minutes, expected) => {
    expect(quotaPeak(counts, t(judged), minutes).launches).toBe(expected);
  });

  it('names the first and last launch of the busiest window', () => {
    const peak = quotaPeak([at('08:00', 5), at('09:00', 1), at('09:30', 30)], t('09:00'), 60);
    expect(peak).toEqual({ launches: 31, fromMs: t('09:00'), toMs: t('09:30') });
  });
});
