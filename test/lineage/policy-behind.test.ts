/**
 * The rules about people judge the person behind a service's launch (README: "Who is behind the
 * service"), and `serviceLaunches` alerts on the launches no person is known for. The fixture
 * trails are read as `inspect` reads them; who did what is read off the files by hand
 * (test/fixtures/services/README.md).
 */
import { readFileSync } from 'node:fs';
import { PolicyEvaluator } from '../../cli/policy-evaluator';
import {
  type AttributionRecord,
  attribute,
  compilePolicy,
  entriesOf,
  parsePolicy,
  type RuleId,
  type Violation,
} from '../../lambda/domain';
import { MemoryLineage, resolveRecord } from '../../lambda/domain/lineage/resolve';
import { resolveInMemory, scenarioFiles } from './fixture-trails';

// asg/: alice creates web-asg from the console without MFA (10:00:05); Auto Scaling launches
// i-…a001 for it (10:00:40). bob, with the CLI, sets its capacity (12:00:00); Auto Scaling
// launches i-…a002 (12:00:30). Nobody changes it for 2.5 h before i-…a003 (15:30:00).
const ALICE_ARN =
  'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_PlatformAdmin_0a1b2c3d4e5f6a7b/alice@example.com';
const BOB_ARN = 'arn:aws:iam::111122223333:user/bob';
const SERVICE_ROLE_ARN = 'arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling';
const BY_ALICE = 'i-0a00000000000a001';
const BY_BOB = 'i-0a00000000000a002';
const AUTOMATIC = 'i-0a00000000000a003';

type Records = readonly AttributionRecord[];

/** The records of each event, grouped as the function receives them. */
function byEvent(records: Records): Records[] {
  const groups = new Map<string, AttributionRecord[]>();
  for (const r of records) groups.set(r.eventKey, [...(groups.get(r.eventKey) ?? []), r]);
  return [...groups.values()];
}

async function scenario(name: string): Promise<Records[]> {
  return byEvent(await resolveInMemory(scenarioFiles(name)));
}

function launchOf(events: readonly Records[], instanceId: string): Records {
  const found = events.find((e) => e[0]?.action === 'launch' && e.some((r) => r.instanceId === instanceId));
  if (!found) throw new Error(`no launch of ${instanceId} in the fixture`);
  return found;
}

async function violations(rules: object, records: Records): Promise<Violation[]> {
  return new PolicyEvaluator(compilePolicy(parsePolicy({ rules }, 'test'))).evaluate(records);
}

async function broken(rules: object, records: Records): Promise<RuleId[]> {
  return (await violations(rules, records)).map((v) => v.rule);
}

describe('rules about people judge the initiator of a service launch', () => {
  it('console without MFA: the launch alice caused from the console alerts; bob’s CLI change and automatic scaling do not', async () => {
    const events = await scenario('asg');
    const rules = { consoleWithoutMfa: {} };
    // In the fixture alice signs in through IAM Identity Center, whose MFA CloudTrail cannot see:
    // her "mfaAuthenticated: false" is not judged.
    expect(await broken(rules, launchOf(events, BY_ALICE))).toEqual([]);
    // The same launch caused by an IAM user's console call, whose MFA CloudTrail does record.
    const asIamUser = launchOf(events, BY_ALICE).map((r) =>
      r.initiator
        ? {
            ...r,
            initiator: {
              ...r.initiator,
              arn: 'arn:aws:iam::111122223333:user/alice',
              name: 'alice',
              mfaKnown: true,
            },
          }
        : r,
    );
    const [aliceViolation] = await violations(rules, asIamUser);
    expect(aliceViolation?.rule).toBe('consoleWithoutMfa');
    expect(aliceViolation?.message).toContain('alice');
    expect(aliceViolation?.message).toContain(
      'through autoscaling.amazonaws.com for auto-scaling group web-asg: CreateAutoScalingGroup at 2026-03-02 10:00 UTC',
    );
    expect(await broken(rules, launchOf(events, BY_BOB))).toEqual([]);
    expect(await broken(rules, launchOf(events, AUTOMATIC))).toEqual([]);
  });

  it('allowed launchers: bob may launch, so what Auto Scaling did for him passes; alice may not', async () => {
    const events = await scenario('asg');
    const rules = { allowedLaunchers: { callers: [BOB_ARN] } };
    expect(await broken(rules, launchOf(events, BY_BOB))).toEqual([]);
    const [alice] = await violations(rules, launchOf(events, BY_ALICE));
    expect(alice?.message).toContain(`${ALICE_ARN} is not allowed to launch instances`);
    // No person behind: the service is judged as itself, as before services were followed.
    const [automatic] = await violations(rules, launchOf(events, AUTOMATIC));
    expect(automatic?.message).toContain(`${SERVICE_ROLE_ARN} is not allowed`);
  });

  it('exemptions by caller or by name cover what a service did for that person', async () => {
    const events = await scenario('asg');
    const denyM5 = (exempt: object) => ({ instanceType: { deny: ['m5.*'], exempt } });
    expect(await broken(denyM5({ people: ['bob'] }), launchOf(events, BY_BOB))).toEqual([]);
    expect(await broken(denyM5({ callers: [BOB_ARN] }), launchOf(events, BY_BOB))).toEqual([]);
    expect(await broken(denyM5({ people: ['bob'] }), launchOf(events, BY_ALICE))).toEqual(['instanceType']);
    // Exempting the service's own role still exempts everything it launches.
    expect(
      await broken(
        denyM5({ callers: ['arn:aws:sts::*:assumed-role/AWSServiceRoleForAutoScaling/*'] }),
        launchOf(events, BY_ALICE),
      ),
    ).toEqual([]);
  });
});

/** A CloudTrail record of the fixtures, changed. */
function fixtureEvent(file: string, eventId: string): Record<string, unknown> {
  const found = [...entriesOf(JSON.parse(readFileSync(file, 'utf8')))].find(
    (e) => e.kind === 'record' && (e.record as { eventID?: string }).eventID === eventId,
  );
  if (found?.kind !== 'record') throw new Error(`no event ${eventId} in ${file}`);
  return structuredClone(found.record) as Record<string, unknown>;
}

const CHANGES = scenarioFiles('asg')[1];
const BOB_CHANGE = 'e0000005-1111-2222-3333-444455556666'; // SetDesiredCapacity, 12:00:00
const BOB_ASG_LAUNCH = 'e0000006-1111-2222-3333-444455556666'; // RunInstances of i-…a002, 12:00:30

/** Attributes and links events as `inspect` does, whatever their order. */
async function resolveEvents(events: readonly Record<string, unknown>[]): Promise<Records[]> {
  const lineage = new MemoryLineage();
  const groups: AttributionRecord[][] = [];
  for (const event of events) {
    const result = attribute(event);
    if (result.kind !== 'records') throw new Error(result.detail);
    for (const r of result.records) lineage.add(r);
    groups.push([...result.records]);
  }
  return Promise.all(groups.map((g) => Promise.all(g.map((r) => resolveRecord(r, lineage)))));
}

describe('the launch quota counts a person’s own launches and the ones services made for them together', () => {
  // bob launches one instance himself at 12:10, beside the one Auto Scaling launched for him at 12:00:30.
  function bobsOwnLaunch(): Record<string, unknown> {
    const event = fixtureEvent(CHANGES ?? '', BOB_ASG_LAUNCH);
    const bob = fixtureEvent(CHANGES ?? '', BOB_CHANGE);
    event.userIdentity = bob.userIdentity;
    event.userAgent = bob.userAgent;
    event.sourceIPAddress = bob.sourceIPAddress;
    event.eventTime = '2026-03-02T12:10:00Z';
    event.eventID = 'e00000b0-1111-2222-3333-444455556666';
    const response = event.responseElements as { instancesSet: { items: { instanceId: string }[] } };
    const [item] = response.instancesSet.items;
    if (item) item.instanceId = 'i-0a0000000000b0b01';
    // bob's own launch carries no group tag: it is his direct call.
    delete (event.requestParameters as Record<string, unknown>).tagSpecificationSet;
    delete (item as Record<string, unknown> | undefined)?.tagSet;
    return event;
  }

  it('two launches in the hour against a quota of one: the second alerts, naming bob', async () => {
    const events = await resolveEvents([
      fixtureEvent(CHANGES ?? '', BOB_CHANGE),
      fixtureEvent(CHANGES ?? '', BOB_ASG_LAUNCH),
      bobsOwnLaunch(),
    ]);
    const evaluator = new PolicyEvaluator(
      compilePolicy(parsePolicy({ rules: { launchQuota: { maxInstances: 1, windowMinutes: 60 } } }, 'test')),
    );
    const judged: Violation[][] = [];
    for (const records of events) judged.push(await evaluator.evaluate(records));
    const quota = judged.flat().filter((v) => v.rule === 'launchQuota');
    expect(quota).toHaveLength(1);
    expect(quota[0]?.message).toMatch(/^bob launched 2 instances in 60 minutes/);
  });

  it('without the link, the two launches count against two subjects and nothing alerts', async () => {
    // The same two launches, but the Auto Scaling one has no cause in the trail: it counts for the service.
    const events = await resolveEvents([fixtureEvent(CHANGES ?? '', BOB_ASG_LAUNCH), bobsOwnLaunch()]);
    const evaluator = new PolicyEvaluator(
      compilePolicy(parsePolicy({ rules: { launchQuota: { maxInstances: 1, windowMinutes: 60 } } }, 'test')),
    );
    const judged: Violation[][] = [];
    for (const records of events) judged.push(await evaluator.evaluate(records));
    expect(judged.flat().filter((v) => v.rule === 'launchQuota')).toEqual([]);
  });
});

describe('the root user behind a service', () => {
  it('a launch Auto Scaling made after the root user set the capacity alerts as the root user’s', async () => {
    const change = fixtureEvent(CHANGES ?? '', BOB_CHANGE);
    change.userIdentity = {
      type: 'Root',
      principalId: '111122223333',
      arn: 'arn:aws:iam::111122223333:root',
      accountId: '111122223333',
    };
    const events = await resolveEvents([change, fixtureEvent(CHANGES ?? '', BOB_ASG_LAUNCH)]);
    const launch = events.find((e) => e[0]?.action === 'launch') ?? [];
    const [root] = await violations({ rootUser: {} }, launch);
    expect(root?.message).toBe(
      'the root user launched instance i-0a00000000000a002 (through autoscaling.amazonaws.com for auto-scaling group web-asg: SetDesiredCapacity at 2026-03-02 12:00 UTC)',
    );
    // And the change itself, the root user's own call.
    const own = events.find((e) => e[0]?.eventName === 'SetDesiredCapacity') ?? [];
    expect((await violations({ rootUser: {} }, own))[0]?.message).toBe(
      'the root user called SetDesiredCapacity',
    );
  });
});

describe('serviceLaunches: service launches with no person known behind them', () => {
  it('alerts on a launch whose cause is outside the trail, naming the service, the group and why', async () => {
    const [outside] = await scenario('outside');
    const [v] = await violations({ serviceLaunches: {} }, outside ?? []);
    expect(v?.rule).toBe('serviceLaunches');
    expect(v?.severity).toBe('info');
    expect(v?.message).toBe(
      'autoscaling.amazonaws.com launched instance i-0b00000000000b001 for auto-scaling group legacy-asg and no person is known behind it: no recorded change to auto-scaling group legacy-asg before this launch',
    );
  });

  it('is silent when a person is known, and on automatic scaling unless asked', async () => {
    const events = await scenario('asg');
    expect(await broken({ serviceLaunches: {} }, launchOf(events, BY_BOB))).toEqual([]);
    expect(await broken({ serviceLaunches: {} }, launchOf(events, AUTOMATIC))).toEqual([]);
    expect(await broken({ serviceLaunches: { automatic: true } }, launchOf(events, AUTOMATIC))).toEqual([
      'serviceLaunches',
    ]);
  });

  it('judges only the actions named: a scale-in with bob behind it never alerts, a launch is not a terminate', async () => {
    const events = await scenario('asg');
    const scaleIn = events.find((e) => e[0]?.action === 'terminate') ?? [];
    expect(scaleIn).not.toHaveLength(0);
    expect(await broken({ serviceLaunches: { actions: ['terminate'] } }, scaleIn)).toEqual([]);
    const [outside] = await scenario('outside');
    expect(await broken({ serviceLaunches: { actions: ['terminate'] } }, outside ?? [])).toEqual([]);
  });

  it('Karpenter launches alert unless the team exempts them by their node-pool tag', async () => {
    const [karpenter] = await scenario('karpenter');
    expect(await broken({ serviceLaunches: {} }, karpenter ?? [])).toEqual(['serviceLaunches']);
    expect(
      await broken(
        { serviceLaunches: { exempt: { tags: { 'karpenter.sh/nodepool': '*' } } } },
        karpenter ?? [],
      ),
    ).toEqual([]);
  });

  it('a service call not linked yet is not judged as having no person', async () => {
    const [outside] = await scenario('outside');
    const unlinked = (outside ?? []).map((r) => ({ ...r, lineage: { ...r.lineage, unresolved: true } }));
    expect(await broken({ serviceLaunches: {} }, unlinked)).toEqual([]);
  });
});
