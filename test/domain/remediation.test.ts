/**
 * Remediation's pure core: the policy's settings, the plan made when a launch is judged, and the
 * decision at the deadline. Expected values are read off the fixtures by hand (root launched
 * i-0b1b…0001 to 0003, p5.48xlarge, in us-east-1 of 111122223333 at 2026-03-02T10:02:11Z, tagged
 * only Name=gpu-burst) and computed by hand from the clock the tests pass in.
 */

import {
  type AttributionRecord,
  attribute,
  compilePolicy,
  evaluate,
  PolicyError,
  parsePolicy,
  renderAlert,
} from '../../lambda/domain';
import { renderStopAlert, withRemediation } from '../../lambda/domain/remediation/alert';
import { decideStops, type InstanceNow } from '../../lambda/domain/remediation/decide';
import {
  deadlineOf,
  planRemediation,
  type RemediationPlan,
  STOP_CHUNK,
  type StopRequest,
  scheduleNameOf,
  verifiedPlan,
} from '../../lambda/domain/remediation/plan';
import { remediationRecord } from '../../lambda/domain/remediation/rows';
import { remediationSettingsOf } from '../../lambda/domain/remediation/settings';
import { loadJson, recordsOf } from '../helpers/fixtures';

const NOW = new Date('2026-03-02T10:02:30Z');
const ROOT_IDS = ['i-0b1b2c3d4e5f60001', 'i-0b1b2c3d4e5f60002', 'i-0b1b2c3d4e5f60003'];

function policyOf(raw: object) {
  const policy = parsePolicy(raw, 'test');
  const settings = remediationSettingsOf(policy);
  return { policy, compiled: compilePolicy(policy), settings };
}

const STOP_P5 = {
  rules: { instanceType: { deny: ['p5.*'], remediate: 'stop' } },
  remediation: { mode: 'enforce' },
};

function plan(
  records: readonly AttributionRecord[],
  raw: object = STOP_P5,
  now = NOW,
): RemediationPlan | null {
  const { compiled, settings } = policyOf(raw);
  if (!settings) throw new Error('the policy remediates nothing');
  return planRemediation(records, evaluate(records, compiled), settings, now);
}

/** The root console launch with other tags on its first instance. */
function rootLaunchTagged(first: Record<string, string>): readonly AttributionRecord[] {
  type Item = { tagSet?: { items: { key: string; value: string }[] } };
  const event = loadJson('events/runinstances-root-console.json') as {
    responseElements: { instancesSet: { items: Item[] } };
  };
  const item = event.responseElements.instancesSet.items[0];
  if (!item) throw new Error('fixture changed');
  item.tagSet = { items: Object.entries(first).map(([key, value]) => ({ key, value })) };
  const result = attribute(event);
  if (result.kind !== 'records') throw new Error('fixture skipped');
  return result.records;
}

describe('remediationSettingsOf', () => {
  it('is null when no enabled rule remediates', () => {
    expect(remediationSettingsOf(parsePolicy({ rules: { rootUser: {} } }, 't'))).toBeNull();
    expect(
      remediationSettingsOf(parsePolicy({ rules: { rootUser: { enabled: false, remediate: 'stop' } } }, 't')),
    ).toBeNull();
  });

  it('defaults to a dry run with 30 minutes of grace', () => {
    const settings = remediationSettingsOf(parsePolicy({ rules: { rootUser: { remediate: 'tag' } } }, 't'));
    expect(settings?.mode).toBe('dry-run');
    expect(settings?.graceMs).toBe(30 * 60_000);
  });

  it('protects by the built-in tag, the protectedInstances tags and remediation.protectedTags', () => {
    const settings = remediationSettingsOf(
      parsePolicy(
        {
          rules: {
            rootUser: { remediate: 'stop' },
            protectedInstances: { enabled: false, tags: { Environment: 'prod*' } },
          },
          remediation: { protectedTags: { Team: 'sre' } },
        },
        't',
      ),
    );
    expect(settings?.protectedTagGlobs).toEqual([
      ['ec2trail:protected', 'true'],
      ['Environment', 'prod*'],
      ['Team', 'sre'],
    ]);
  });
});

describe('the policy schema for remediation', () => {
  const problems = (raw: object): string[] => {
    try {
      parsePolicy(raw, 't');
      return [];
    } catch (error) {
      if (error instanceof PolicyError) return [...error.problems];
      throw error;
    }
  };

  it.each([
    ['failedAttempts', {}],
    ['protectedInstances', { tags: { Environment: 'prod' } }],
    ['trailTampering', {}],
    ['serviceLaunches', {}],
  ])('refuses remediate on %s, which judges no new instance', (rule, settings) => {
    const found = problems({ rules: { [rule]: { ...settings, remediate: 'stop' } } });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^rules\\.${rule}\\.remediate: ${rule} judges no new instance`));
  });

  it.each([
    [{ remediation: { graceMinutes: 4 } }, 'remediation.graceMinutes'],
    [{ remediation: { mode: 'on' } }, 'remediation.mode'],
    [{ rules: { rootUser: { remediate: 'terminate' } } }, 'rules.rootUser.remediate'],
  ])('refuses %j at %s', (raw, path) => {
    expect(problems(raw).some((p) => p.startsWith(`${path}:`))).toBe(true);
  });
});

describe('planRemediation', () => {
  it('marks and schedules the stop of every instance of a launch that broke a stop rule', () => {
    const result = plan(recordsOf('events/runinstances-root-console.json'));
    // 10:02:30 + 30 min = 10:32:30, rounded up to the minute.
    expect(result?.deadline).toBe('2026-03-02T10:33:00.000Z');
    expect(result?.remedy).toBe('stop');
    expect(result?.rules).toEqual(['instanceType']);
    expect(result?.tagged).toEqual(ROOT_IDS);
    expect(result?.tags).toEqual([
      { key: 'ec2trail:violation', value: 'instanceType' },
      { key: 'ec2trail:deadline', value: '2026-03-02T10:33:00.000Z' },
    ]);
    expect(result?.stops).toEqual([
      {
        version: 1,
        name: 'stop-11111111-aaaa-4bbb-8ccc-000000000002-0',
        eventKey: '11111111-aaaa-4bbb-8ccc-000000000002',
        account: '111122223333',
        region: 'us-east-1',
        instanceIds: ROOT_IDS,
        rules: ['instanceType'],
        severity: 'warning',
        at: '2026-03-02T10:33:00.000Z',
        launchedBy: 'root',
        launchedAt: '2026-03-02T10:02:11Z',
        // The root user is a verified person: the deadline alert routes to them.
        person: 'root',
      },
    ]);
    expect(result?.untouched).toEqual([]);
    expect(result?.notStopped).toEqual([]);
  });

  it('only marks for a tag rule: no deadline, no schedule', () => {
    const result = plan(recordsOf('events/runinstances-root-console.json'), {
      rules: { requiredTags: { tags: { Owner: null }, remediate: 'tag' } },
    });
    expect(result?.remedy).toBe('tag');
    expect(result?.mode).toBe('dry-run');
    expect(result?.tags).toEqual([{ key: 'ec2trail:violation', value: 'requiredTags' }]);
    expect(result?.stops).toEqual([]);
    expect(result?.deadline).toBeNull();
  });

  it('stops when any fired rule says stop, and names every remediating rule in the tag', () => {
    const result = plan(recordsOf('events/runinstances-root-console.json'), {
      rules: {
        instanceType: { deny: ['p5.*'], remediate: 'tag' },
        rootUser: { remediate: 'stop', severity: 'critical' },
        imdsv2Required: {},
      },
    });
    expect(result?.remedy).toBe('stop');
    expect([...(result?.rules ?? [])].sort()).toEqual(['instanceType', 'rootUser']);
    expect(result?.stops[0]?.severity).toBe('critical');
  });

  it('leaves an instance the launcher protected untouched and one they acknowledged running, and says the launcher did it', () => {
    const protectedOne = plan(rootLaunchTagged({ Environment: 'production' }), {
      ...STOP_P5,
      rules: { ...STOP_P5.rules, protectedInstances: { tags: { Environment: 'prod*' } } },
    });
    expect(protectedOne?.untouched).toEqual([
      {
        instanceId: ROOT_IDS[0],
        reason:
          'protected by the launcher at launch: Environment=production (protected tag Environment=prod*)',
        optOut: { effect: 'protected', tag: 'Environment=production' },
      },
    ]);
    expect(protectedOne?.tagged).toEqual(ROOT_IDS.slice(1));
    expect(protectedOne?.stops[0]?.instanceIds).toEqual(ROOT_IDS.slice(1));

    const acknowledged = plan(rootLaunchTagged({ 'ec2trail:ack': 'benchmark until friday' }));
    expect(acknowledged?.tagged).toEqual(ROOT_IDS);
    expect(acknowledged?.notStopped).toEqual([
      {
        instanceId: ROOT_IDS[0],
        reason: 'acknowledged by the launcher at launch: ec2trail:ack=benchmark until friday',
        optOut: { effect: 'acknowledged', tag: 'ec2trail:ack=benchmark until friday' },
      },
    ]);
    expect(acknowledged?.stops[0]?.instanceIds).toEqual(ROOT_IDS.slice(1));
  });

  it('marks but never stops what a service launched: the group would replace it', () => {
    const result = plan(
      recordsOf('events/runinstances-autoscaling-spot.json'),
      {
        rules: { instanceType: { deny: ['c7g.*'], remediate: 'stop' } },
        remediation: { mode: 'enforce' },
      },
      // Two minutes after the fixture's call.
      new Date('2026-03-04T02:02:00Z'),
    );
    expect(result?.tagged).toEqual(['i-0d1b2c3d4e5f60001']);
    expect(result?.stops).toEqual([]);
    expect(result?.deadline).toBeNull();
    expect(result?.notStopped[0]?.reason).toMatch(
      /^launched by auto-scaling group web-asg, which would replace/,
    );
  });

  it('does nothing for an exempt caller, a stop, a refused launch or a dry run of the API', () => {
    const exempt = {
      rules: { instanceType: { deny: ['p5.*'], remediate: 'stop', exempt: { people: ['root'] } } },
    };
    expect(plan(recordsOf('events/runinstances-root-console.json'), exempt)).toBeNull();
    const anyStop = {
      rules: { rootUser: { remediate: 'stop' }, allowedLaunchers: { callers: ['x'], remediate: 'stop' } },
    };
    expect(plan(recordsOf('events/stopinstances-assumedrole-sourceidentity.json'), anyStop)).toBeNull();
    expect(plan(recordsOf('events/runinstances-unauthorized-federated.json'), anyStop)).toBeNull();
  });

  it('splits a large launch into schedules of 100 instances', () => {
    const [one] = recordsOf('events/runinstances-root-console.json');
    if (!one) throw new Error('fixture changed');
    const many = Array.from({ length: 250 }, (_, i) => ({
      ...one,
      instanceId: `i-${String(i).padStart(17, '0')}`,
    }));
    const result = plan(many);
    expect(STOP_CHUNK).toBe(100);
    expect(result?.stops.map((s) => s.instanceIds.length)).toEqual([100, 100, 50]);
    expect(result?.stops.map((s) => s.name)).toEqual([0, 1, 2].map((n) => `stop-${one.eventKey}-${n}`));
  });
});

describe('fresh evidence only', () => {
  const records = recordsOf('events/runinstances-root-console.json');
  // The fixture's call is at 10:02:11Z; the bound is 60 minutes unless the policy says otherwise.
  it('acts on a launch up to an hour old, and on none older: every instance is left alone, and says why', () => {
    expect(plan(records, STOP_P5, new Date('2026-03-02T11:02:11Z'))?.tagged).toEqual(ROOT_IDS);
    const late = plan(records, STOP_P5, new Date('2026-03-02T11:02:12Z'));
    expect(late?.tagged).toEqual([]);
    expect(late?.stops).toEqual([]);
    expect(late?.deadline).toBeNull();
    expect(late?.untouched.map((u) => u.instanceId)).toEqual(ROOT_IDS);
    expect(late?.untouched[0]?.reason).toBe(
      'the call was made 1 h ago, more than the 1 h within which remediation acts: recorded and alerted only',
    );
  });

  it('leaves alone the 190-day-old launch a copied log file brings in today', () => {
    const old = plan(records, STOP_P5, new Date('2026-09-08T13:02:11Z'));
    expect(old?.tagged).toEqual([]);
    expect(old?.untouched[0]?.reason).toMatch(/^the call was made 190 d 3 h ago/);
  });

  it('takes the bound from remediation.maxEventAgeMinutes', () => {
    const raw = { ...STOP_P5, remediation: { mode: 'enforce', maxEventAgeMinutes: 10 } };
    expect(plan(records, raw, new Date('2026-03-02T10:12:11Z'))?.tagged).toEqual(ROOT_IDS);
    expect(plan(records, raw, new Date('2026-03-02T10:12:12Z'))?.tagged).toEqual([]);
  });

  it('does not believe an event dated more than 5 minutes in the future', () => {
    expect(plan(records, STOP_P5, new Date('2026-03-02T09:57:11Z'))?.tagged).toEqual(ROOT_IDS);
    const ahead = plan(records, STOP_P5, new Date('2026-03-02T09:57:10Z'));
    expect(ahead?.tagged).toEqual([]);
    expect(ahead?.untouched[0]?.reason).toBe('the event is dated 5 min in the future');
  });

  it("marks and stops only the instances EC2 shows to be the launch's own", () => {
    const drawn = plan(records);
    if (!drawn) throw new Error('no plan');
    const own = { ownerId: '111122223333', launchTime: '2026-03-02T10:02:12.000Z', attachedAt: null };
    const found = new Map([
      [ROOT_IDS[0] as string, { instanceId: ROOT_IDS[0] as string, ...own }],
      [
        ROOT_IDS[1] as string,
        { instanceId: ROOT_IDS[1] as string, ...own, launchTime: '2025-08-24T07:00:00.000Z' },
      ],
    ]);
    const checked = verifiedPlan(drawn, found);
    expect(checked.tagged).toEqual([ROOT_IDS[0]]);
    expect(checked.stops.flatMap((s) => s.instanceIds)).toEqual([ROOT_IDS[0]]);
    expect(checked.untouched.map((u) => u.instanceId)).toEqual([ROOT_IDS[1], ROOT_IDS[2]]);
    expect(checked.untouched[1]?.reason).toBe(
      'not verified: EC2 does not know the instance in account 111122223333, us-east-1',
    );
    const none = verifiedPlan(drawn, new Map());
    expect(none.tagged).toEqual([]);
    expect(none.stops).toEqual([]);
    expect(none.deadline).toBeNull();
    expect(none.tags.map((t) => t.key)).toEqual(['ec2trail:violation']);
  });
});

describe('the deadline alert routes only to a verified person', () => {
  it('sends the stop of a launch by a role session that claims to be Jane to the team, not to Jane', () => {
    const claimed = recordsOf('events/runinstances-root-console.json').map((r) => ({
      ...r,
      actor: {
        ...r.actor,
        type: 'AssumedRole' as const,
        kind: 'person' as const,
        name: 'jane.doe@example.com',
        sessionName: 'jane.doe@example.com',
        roleName: 'Deployer',
        roleArn: 'arn:aws:iam::111122223333:role/Deployer',
        arn: 'arn:aws:sts::111122223333:assumed-role/Deployer/jane.doe@example.com',
      },
    }));
    const drawn = plan(claimed);
    const [request] = drawn?.stops ?? [];
    if (!request) throw new Error('no stop');
    expect(request.person).toBeNull();
    const alert = renderStopAlert(request, { decisions: [], stopped: request.instanceIds, failed: [] });
    expect(alert.attributes.person).toBe('unknown');
  });
});

describe('schedule names and deadlines', () => {
  it('keeps a readable event id and hashes anything else into 64 valid characters', () => {
    expect(scheduleNameOf('11111111-aaaa-4bbb-8ccc-000000000002', 3)).toBe(
      'stop-11111111-aaaa-4bbb-8ccc-000000000002-3',
    );
    const derived = scheduleNameOf(`derived-${'x'.repeat(80)}/+`, 0);
    expect(derived).toMatch(/^stop-[0-9a-f]{16}-0$/);
  });

  it('rounds the deadline up to the next whole minute, and keeps a whole minute', () => {
    expect(deadlineOf(new Date('2026-03-02T10:02:00.000Z'), 30 * 60_000).toISOString()).toBe(
      '2026-03-02T10:32:00.000Z',
    );
    expect(deadlineOf(new Date('2026-03-02T10:02:00.001Z'), 30 * 60_000).toISOString()).toBe(
      '2026-03-02T10:33:00.000Z',
    );
  });
});

describe('decideStops', () => {
  const request: StopRequest = {
    version: 1,
    name: 'stop-e-0',
    eventKey: 'e',
    account: '111122223333',
    region: 'us-east-1',
    instanceIds: ['i-1', 'i-2', 'i-3', 'i-4', 'i-5', 'i-6', 'i-7', 'i-8'],
    rules: ['instanceType'],
    severity: 'warning',
    at: '2026-03-02T10:33:00.000Z',
    launchedBy: 'root',
    launchedAt: '2026-03-02T10:02:11Z',
  };
  const marked = { 'ec2trail:violation': 'instanceType' };
  const found = new Map<string, InstanceNow>(
    (
      [
        ['i-1', 'running', marked],
        ['i-2', 'stopped', marked],
        ['i-8', 'terminated', marked],
        ['i-3', 'running', { ...marked, 'ec2trail:ack': 'load test' }],
        ['i-4', 'running', { ...marked, Team: 'sre' }],
        ['i-5', 'running', {}],
        ['i-6', 'pending', marked],
      ] as const
    ).map(([instanceId, state, tags]) => [
      instanceId,
      // Launched by the request's launch: 4 s after its call, in its account.
      {
        instanceId,
        state,
        tags,
        ownerId: '111122223333',
        launchTime: '2026-03-02T10:02:15.000Z',
        attachedAt: null,
      },
    ]),
  );
  const settings = (raw: object) => remediationSettingsOf(parsePolicy(raw, 't'));
  const enforce = settings({ ...STOP_P5, remediation: { mode: 'enforce', protectedTags: { Team: 'sre' } } });

  it('stops only running or pending, still marked, unacknowledged, unprotected instances', () => {
    const decisions = decideStops(request, found, enforce);
    expect(decisions.map((d) => (d.stop ? 'stop' : d.code))).toEqual([
      'stop',
      'already-stopped',
      'acknowledged',
      'protected',
      'unmarked',
      'stop',
      'gone',
      'not-running',
    ]);
    expect(decisions[1]).toMatchObject({ reason: 'the instance was already stopped at the deadline' });
    expect(decisions[7]).toMatchObject({ reason: 'the instance is terminated' });
    expect(decisions[2]).toMatchObject({ reason: 'acknowledged with ec2trail:ack=load test' });
    expect(decisions[3]).toMatchObject({ reason: 'protected (Team=sre)' });
  });

  it('says "kept running" only of instances that still run, in the deadline alert', () => {
    const decisions = decideStops(request, found, enforce);
    const email = renderStopAlert(request, { decisions, stopped: ['i-1', 'i-6'], failed: [] }).email;
    const lines = email.split('\n').filter((l) => /^ {2}(Kept running|Already stopped|Not stopped) /.test(l));
    expect(lines).toEqual([
      '  Already stopped i-2: the instance was already stopped at the deadline.',
      '  Kept running i-3: acknowledged with ec2trail:ack=load test.',
      '  Kept running i-4: protected (Team=sre).',
      '  Kept running i-5: the ec2trail:violation tag was removed, which counts as an acknowledgement.',
      '  Not stopped i-7: EC2 no longer knows the instance.',
      '  Not stopped i-8: the instance is terminated.',
    ]);
  });

  it("keeps running an instance whose launch time or owner is not the request's launch", () => {
    const running = (over: Partial<InstanceNow>): ReadonlyMap<string, InstanceNow> =>
      new Map([
        [
          'i-1',
          {
            instanceId: 'i-1',
            state: 'running',
            tags: marked,
            ownerId: '111122223333',
            launchTime: '2026-03-02T10:02:15.000Z',
            attachedAt: null,
            ...over,
          },
        ],
      ]);
    const one = { ...request, instanceIds: ['i-1'] };
    const code = (over: Partial<InstanceNow>) => {
      const [decision] = decideStops(one, running(over), enforce);
      return decision?.stop ? 'stop' : decision?.code;
    };
    expect(code({})).toBe('stop');
    // 10:02:11 + 5 min is the last launch time that is the same launch.
    expect(code({ launchTime: '2026-03-02T10:07:11.000Z' })).toBe('stop');
    expect(code({ launchTime: '2026-03-02T10:07:12.000Z' })).toBe('not-this-launch');
    expect(code({ launchTime: '2025-08-24T07:00:00.000Z' })).toBe('not-this-launch');
    expect(code({ launchTime: null })).toBe('not-this-launch');
    // Stopped and started since the launch: the primary interface still dates the launch.
    expect(code({ launchTime: '2026-03-02T10:20:00.000Z', attachedAt: '2026-03-02T10:02:14.000Z' })).toBe(
      'stop',
    );
    expect(code({ ownerId: '444455556666' })).toBe('not-this-launch');
    const [decision] = decideStops({ ...one, launchedAt: null }, running({}), enforce);
    expect(decision).toMatchObject({ stop: false, code: 'not-this-launch' });
    const [old] = decideStops(one, running({ launchTime: '2025-08-24T07:00:00.000Z' }), enforce);
    expect(old).toMatchObject({
      reason:
        "the instance was launched at 2025-08-24T07:00:00.000Z, not at the event's 2026-03-02T10:02:11Z: the event is not this instance's launch",
    });
  });

  it('stops nothing when the deployed policy is now a dry run, tags only, or remediates nothing', () => {
    const codes = (s: ReturnType<typeof settings>) =>
      decideStops(request, found, s).map((d) => (d.stop ? 'stop' : d.code));
    expect(new Set(codes(settings({ rules: STOP_P5.rules })))).toEqual(new Set(['dry-run']));
    expect(
      new Set(
        codes(
          settings({
            rules: { instanceType: { deny: ['p5.*'], remediate: 'tag' } },
            remediation: { mode: 'enforce' },
          }),
        ),
      ),
    ).toEqual(new Set(['policy-changed']));
    expect(new Set(codes(null))).toEqual(new Set(['policy-changed']));
  });
});

describe('remediation texts and rows', () => {
  const records = recordsOf('events/runinstances-root-console.json');
  const { compiled, settings } = policyOf(STOP_P5);
  const violations = evaluate(records, compiled);
  const thePlan = settings ? planRemediation(records, violations, settings, NOW) : null;
  if (!thePlan) throw new Error('no plan');

  it('says in the alert which instances stop when, and how to keep them', () => {
    const message = withRemediation(renderAlert(records, violations), {
      plan: thePlan,
      status: 'done',
      deadline: thePlan.deadline,
      tagged: ROOT_IDS,
      scheduled: ROOT_IDS,
      problems: [],
    });
    expect(message.email).toContain(
      `What happens next\n  ${ROOT_IDS.join(', ')} tagged ec2trail:violation=instanceType.\n  ${ROOT_IDS.join(', ')} will be stopped at 2026-03-02 10:33 UTC unless tagged ec2trail:ack=<reason> by then. Never terminated.\n\nWho\n`,
    );
    expect(message.attributes.remediation).toBe('stop-scheduled');
    expect(JSON.parse(message.json).remediation).toMatchObject({
      status: 'done',
      deadline: '2026-03-02T10:33:00.000Z',
    });
    expect(message.sms).toContain('Stop at 10:33 UTC unless tagged ec2trail:ack.');
    expect(message.sms.length).toBeLessThanOrEqual(160);
  });

  it('says a dry run changed nothing, and what enforce would do', () => {
    const message = withRemediation(renderAlert(records, violations), {
      plan: thePlan,
      status: 'dry-run',
      deadline: thePlan.deadline,
      tagged: [],
      scheduled: [],
      problems: [],
    });
    expect(message.email).toContain('Dry run (remediation mode "dry-run"): nothing was changed.');
    expect(message.email).toContain(
      'would be stopped at 2026-03-02 10:33 UTC unless tagged ec2trail:ack=<reason>',
    );
    expect(message.attributes.remediation).toBe('dry-run');
  });

  it('says which instances will not be stopped when the schedule failed', () => {
    const message = withRemediation(renderAlert(records, violations), {
      plan: thePlan,
      status: 'failed',
      deadline: null,
      tagged: ROOT_IDS,
      scheduled: [],
      problems: ['schedule stop-x-0: ThrottlingException: slow down'],
    });
    expect(message.email).toContain(
      `${ROOT_IDS.join(', ')} will NOT be stopped: the stop could not be scheduled.`,
    );
    expect(message.attributes.remediation).toBe('failed');
  });

  it('keys rows by the launch and step, so a repeat writes the same row', () => {
    const detail = {
      step: 'tag' as const,
      decision: 'tagged' as const,
      mode: 'enforce' as const,
      rules: ['instanceType'],
      reason: 'broke instanceType',
      deadline: null,
      launchEventKey: 'e-1',
      launchedBy: 'root',
    };
    const row = remediationRecord({ instanceId: 'i-1', account: '1', region: 'r', time: 't', detail });
    expect(row).toMatchObject({
      action: 'remediate',
      eventKey: 'remediate-tag#e-1',
      eventName: 'RemediationTag',
      outcome: 'success',
      actor: { name: 'ec2trail', type: 'AWSService' },
    });
    expect(
      remediationRecord({
        instanceId: 'i-1',
        account: '1',
        region: 'r',
        time: 't',
        detail: { ...detail, decision: 'failed' },
      }).outcome,
    ).toBe('failed');
  });
});
