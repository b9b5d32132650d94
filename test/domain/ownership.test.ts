/**
 * Who is behind a running instance. Expected values come from the cases' own construction: a
 * caller's launch names the caller, a service's launch its initiator or no one, tags a claim.
 */

import {
  coverageOf,
  isPossiblyForgotten,
  type Ownership,
  ownershipOfLaunch,
  ownershipOfTags,
  withinEventHistory,
} from '../../lambda/domain/inventory/ownership';

const alice = { arn: 'arn:aws:iam::111122223333:user/alice', name: 'alice' };
const asgRole = {
  arn: 'arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling',
  name: null,
};
const asg = { service: 'autoscaling', resourceType: 'autoscaling-group', resourceId: 'web-asg' };

describe('the person behind a launch', () => {
  it('is the caller when a person launched it', () => {
    expect(ownershipOfLaunch({ actor: alice, via: null, initiator: null }, 'table')).toEqual({
      person: 'alice',
      personVerified: null,
      service: null,
      evidence: 'table',
      reason: null,
    });
  });

  it('is the initiator when a service launched it for someone, with the service named', () => {
    const launch = {
      actor: asgRole,
      via: asg,
      initiator: { arn: 'arn:aws:iam::111122223333:user/bob', name: 'bob', verified: true },
    };
    expect(ownershipOfLaunch(launch, 'event-history')).toMatchObject({
      person: 'bob',
      personVerified: true,
      service: 'autoscaling/web-asg',
      evidence: 'event-history',
    });
  });

  it('is no one when a service launched it and nobody is linked, and says so', () => {
    expect(ownershipOfLaunch({ actor: asgRole, via: asg, initiator: null }, 'table')).toMatchObject({
      person: null,
      service: 'autoscaling/web-asg',
      reason: 'service-no-person',
    });
  });

  it('is unknown when the launch names no caller at all', () => {
    expect(
      ownershipOfLaunch({ actor: { arn: null, name: null }, via: null, initiator: null }, 'table').reason,
    ).toBe('caller-unknown');
  });
});

describe("an instance's own tags", () => {
  it('name a person in the owner tag, as a claim anyone who may tag could write', () => {
    expect(ownershipOfTags({ Owner: 'carol', Name: 'web' }, ['Owner'])).toEqual({
      person: 'carol',
      personVerified: false,
      service: null,
      evidence: 'tags',
      reason: null,
    });
    expect(ownershipOfTags({ Owner: '  ' }, ['Owner'])).toBeNull();
    expect(ownershipOfTags({ Owner: 'carol' }, ['LaunchedBy'])).toBeNull();
  });

  it('name the service resource behind it, the most specific one', () => {
    expect(
      ownershipOfTags(
        {
          'aws:autoscaling:groupName': 'eks-ng-1234',
          'eks:nodegroup-name': 'ng-gpu',
          'aws:cloudformation:stack-name': 'cluster',
        },
        ['Owner'],
      ),
    ).toMatchObject({ person: null, service: 'eks-nodegroup/ng-gpu', reason: 'service-no-person' });
    expect(ownershipOfTags({ 'karpenter.sh/nodepool': 'default' }, [])?.service).toBe(
      'karpenter-nodepool/default',
    );
  });
});

describe("Event history's reach", () => {
  const now = Date.parse('2026-06-01T00:00:00Z');
  it('is 90 days back from now', () => {
    expect(withinEventHistory(Date.parse('2026-03-03T00:00:00Z'), now)).toBe(true);
    expect(withinEventHistory(Date.parse('2026-03-02T23:59:59Z'), now)).toBe(false);
  });
});

describe('coverage', () => {
  const known = (evidence: Ownership['evidence']): Ownership => ({
    person: 'x',
    personVerified: null,
    service: null,
    evidence,
    reason: null,
  });
  const unknown = (reason: Ownership['reason']): Ownership => ({
    person: null,
    personVerified: null,
    service: null,
    evidence: null,
    reason,
  });

  it('counts people by evidence and the rest by reason, and never rounds up to 100 %', () => {
    const owners = [
      ...Array.from({ length: 197 }, () => known('table')),
      known('event-history'),
      known('tags'),
      unknown('before-event-history'),
    ];
    expect(coverageOf(owners)).toEqual({
      instances: 200,
      withPerson: 199,
      percent: 99,
      byEvidence: { table: 197, 'event-history': 1, tags: 1 },
      unknownByReason: { 'before-event-history': 1 },
    });
  });
});

describe('possibly forgotten', () => {
  const now = Date.parse('2026-06-01T00:00:00Z');
  const days = (n: number) => n * 86_400_000;
  const running = (ageDays: number, person: string | null = 'alice') => ({
    state: 'running',
    originalLaunchMs: now - days(ageDays),
    person,
  });

  it('is an instance running longer than the threshold that nobody touched within it', () => {
    expect(isPossiblyForgotten(running(45), null, now, days(30))).toBe(true);
    expect(isPossiblyForgotten(running(45), now - days(31), now, days(30))).toBe(true);
  });

  it('is not one started, stopped, rebooted or connected to within the threshold, when its person is known', () => {
    expect(isPossiblyForgotten(running(45), now - days(3), now, days(30))).toBe(false);
  });

  it('is one whose person is unknown, touched or not, once past the threshold', () => {
    expect(isPossiblyForgotten(running(45, null), now - days(3), now, days(30))).toBe(true);
  });

  it('is never a young, a stopped or an undated instance', () => {
    expect(isPossiblyForgotten(running(20, null), null, now, days(30))).toBe(false);
    expect(isPossiblyForgotten({ ...running(90), state: 'stopped' }, null, now, days(30))).toBe(false);
    expect(isPossiblyForgotten({ ...running(90), originalLaunchMs: null }, null, now, days(30))).toBe(false);
  });
});

describe('the service resource the tags name', () => {
  // The tags AWS services put on what they launch, as their documentation names them.
  it.each([
    ['eks:nodegroup-name', 'ng-1', 'eks-nodegroup/ng-1'],
    ['karpenter.sh/nodepool', 'default', 'karpenter-nodepool/default'],
    ['aws:autoscaling:groupName', 'web-asg', 'autoscaling/web-asg'],
    ['aws:ec2spot:fleet-request-id', 'sfr-1234', 'spot-fleet/sfr-1234'],
    ['aws:ec2:fleet-id', 'fleet-1234', 'ec2-fleet/fleet-1234'],
    ['elasticbeanstalk:environment-name', 'prod-env', 'elasticbeanstalk/prod-env'],
    ['aws:elasticmapreduce:job-flow-id', 'j-1234', 'emr/j-1234'],
    ['aws:cloudformation:stack-name', 'web', 'cloudformation/web'],
  ])('%s=%s names %s', (key, value, service) => {
    expect(ownershipOfTags({ [key]: value }, ['Owner'])?.service).toBe(service);
  });

  it('names the service alone when the launch row does not say which resource', () => {
    expect(
      ownershipOfLaunch(
        {
          actor: asgRole,
          via: { service: 'autoscaling', resourceType: 'other', resourceId: null },
          initiator: null,
        },
        'table',
      ).service,
    ).toBe('autoscaling');
  });
});

describe('coverage of nothing', () => {
  it('is every instance of none: nothing is unaccounted for', () => {
    expect(coverageOf([])).toEqual({
      instances: 0,
      withPerson: 0,
      percent: 100,
      byEvidence: {},
      unknownByReason: {},
    });
  });
});

describe('edges', () => {
  const now = Date.parse('2026-06-01T00:00:00Z');
  const day = 86_400_000;

  it('takes an initiator known by name alone, or by ARN alone', () => {
    const via = { service: 'autoscaling', resourceType: 'autoscaling-group', resourceId: 'web-asg' };
    expect(
      ownershipOfLaunch({ actor: asgRole, via, initiator: { arn: null, name: 'bob' } }, 'table').person,
    ).toBe('bob');
    expect(
      ownershipOfLaunch(
        { actor: asgRole, via, initiator: { arn: 'arn:aws:iam::111122223333:user/bob', name: null } },
        'table',
      ).person,
    ).toBe('arn:aws:iam::111122223333:user/bob');
  });

  it('counts a launch exactly at the threshold as not yet past it, and a touch exactly at it as within it', () => {
    const instance = { state: 'running', originalLaunchMs: now - 30 * day, person: 'alice' };
    expect(isPossiblyForgotten(instance, null, now, 30 * day)).toBe(false);
    const older = { ...instance, originalLaunchMs: now - 31 * day };
    expect(isPossiblyForgotten(older, now - 30 * day, now, 30 * day)).toBe(false);
    expect(isPossiblyForgotten(older, now - 30 * day - 1, now, 30 * day)).toBe(true);
  });
});
