import {
  type AttributionRecord,
  attribute,
  compilePolicy,
  evaluate,
  type HistoryEntry,
  PolicyError,
  type PolicyFacts,
  parsePolicy,
  type RuleId,
} from '../../lambda/domain';
import { loadJson, recordsOf } from '../helpers/fixtures';

type Records = readonly AttributionRecord[];

/** The records of a fixture with changes applied to every record (and to its launch details). */
function event(fixture: string, change: (r: AttributionRecord) => AttributionRecord = (r) => r): Records {
  return recordsOf(fixture).map(change);
}

function withLaunch(patch: Partial<NonNullable<AttributionRecord['launch']>>) {
  return (r: AttributionRecord): AttributionRecord =>
    r.launch ? { ...r, launch: { ...r.launch, ...patch } } : r;
}

function rulesBroken(rules: object, records: Records, facts: PolicyFacts = {}): RuleId[] {
  return evaluate(records, compilePolicy(parsePolicy({ rules }, 'test')), facts).map((v) => v.rule);
}

const CLI = 'events/runinstances-iamuser-cli.json'; // alice, 2 × t3.micro, tags Name/Owner/CostCenter/Environment, IMDSv2, encrypted
const ROOT = 'events/runinstances-root-console.json'; // root, console, no MFA, 3 × p5.48xlarge, public IP, unencrypted, us-east-1
const TERMINATE = 'events/terminateinstances-response-omitted.json'; // bob terminates i-…0001 and i-…0002
const prodLaunch: HistoryEntry = {
  eventKey: 'launch-1',
  record: null,
  action: 'launch',
  outcome: 'success',
  eventTime: '2026-03-01T00:00:00Z',
  actorName: 'alice',
  tags: { Environment: 'prod' },
};

interface Case {
  readonly rule: RuleId;
  readonly config: object;
  readonly passes: Records;
  readonly fails: Records;
  readonly exempt?: object;
  readonly facts?: PolicyFacts;
  /** Facts for the compliant row, at the rule's boundary where it has one. @default facts */
  readonly passFacts?: PolicyFacts;
  readonly message: string;
}

/** A quota window of `launches`, as the facts loader reports it. */
function window(launches: number): PolicyFacts {
  return {
    launchQuota: {
      launches,
      fromMs: Date.parse('2026-03-02T09:00:00Z'),
      toMs: Date.parse('2026-03-02T09:59:00Z'),
    },
  };
}

const CASES: readonly Case[] = [
  {
    rule: 'instanceType',
    config: { deny: ['p5.*', '*.metal'] },
    passes: event(CLI),
    fails: event(ROOT),
    exempt: { callers: ['arn:aws:iam::*:root'] },
    message: 'instance type p5.48xlarge is denied (matches "p5.*")',
  },
  {
    rule: 'instanceType',
    config: { allow: ['t3.*', 't4g.*'] },
    passes: event(CLI),
    fails: event(CLI, withLaunch({ instanceType: 'm5.large' })),
    exempt: { people: ['ALICE'] },
    message: 'instance type m5.large is not allowed (allowed: t3.*, t4g.*)',
  },
  {
    rule: 'maxInstancesPerLaunch',
    config: { max: 2 },
    // At the limit: 2 instances with a maximum of 2.
    passes: event(CLI),
    fails: event(ROOT),
    exempt: { tags: { Name: 'gpu-*' } },
    message: '3 instances launched in one request; the maximum is 2',
  },
  {
    rule: 'requiredTags',
    config: { tags: { Owner: null, CostCenter: '^cc-\\d{4}$', Team: null } },
    passes: event(CLI, withLaunch({ tags: { Owner: 'a', CostCenter: 'cc-0001', Team: 'web' } })),
    fails: event(CLI),
    exempt: { people: ['alice'] },
    message: 'launch missing required tag Team',
  },
  {
    rule: 'requiredTags',
    config: { tags: { CostCenter: '^cc-\\d{4}$' } },
    passes: event(CLI),
    fails: event(CLI, withLaunch({ tags: { CostCenter: 'marketing' } })),
    message: 'launch CostCenter="marketing" does not match /^cc-\\d{4}$/',
  },
  {
    rule: 'allowedRegions',
    config: { regions: ['eu-west-1'] },
    passes: event(CLI),
    fails: event(ROOT),
    exempt: { callers: ['arn:aws:iam::111122223333:root'] },
    message: 'region us-east-1 is not allowed (allowed: eu-west-1)',
  },
  {
    rule: 'ami',
    config: { allow: ['ami-0abc*'], deny: ['ami-0bad*'] },
    passes: event(CLI),
    fails: event(CLI, withLaunch({ imageId: 'ami-0bad00000000000' })),
    message: 'AMI ami-0bad00000000000 is denied (matches "ami-0bad*")',
  },
  {
    rule: 'imdsv2Required',
    config: {},
    passes: event(CLI),
    fails: event(ROOT),
    exempt: { people: ['root'] },
    message: 'IMDSv2 is not enforced (httpTokens: optional)',
  },
  {
    rule: 'publicIpForbidden',
    config: {},
    passes: event(CLI),
    fails: event(ROOT),
    message: 'a public IP address was requested',
  },
  {
    rule: 'unencryptedVolumesForbidden',
    config: {},
    passes: event(CLI),
    fails: event(ROOT),
    message: 'unencrypted EBS volume requested: /dev/xvda',
  },
  {
    rule: 'rootUser',
    config: {},
    passes: event(CLI),
    fails: event(ROOT),
    message: 'the root user launched 3 instances',
  },
  {
    rule: 'consoleWithoutMfa',
    config: {},
    passes: event(ROOT, (r) => ({ ...r, actor: { ...r.actor, mfaAuthenticated: true } })),
    fails: event(ROOT),
    message: 'launch from the AWS console without MFA',
  },
  {
    rule: 'allowedLaunchers',
    config: { callers: ['arn:aws:iam::*:user/alice'] },
    passes: event(CLI),
    fails: event(ROOT),
    message: 'arn:aws:iam::111122223333:root is not allowed to launch instances',
  },
  {
    rule: 'launchHours',
    // 09:15 UTC on Monday 2 March 2026 is 10:15 in Paris.
    config: { timeZone: 'Europe/Paris', from: '08:00', to: '19:00' },
    passes: event(CLI),
    fails: event(CLI, (r) => ({ ...r, eventTime: '2026-03-07T09:15:04Z' })),
    message: 'launched Sat 10:15 Europe/Paris, outside mon, tue, wed, thu, fri 08:00–19:00 Europe/Paris',
  },
  {
    rule: 'failedAttempts',
    config: {},
    passes: event('events/runinstances-dryrun.json'),
    fails: event('events/runinstances-unauthorized-federated.json'),
    exempt: { callers: ['arn:aws:sts::*:federated-user/contractor-*'] },
    message: 'launch was refused: Client.UnauthorizedOperation',
  },
  {
    rule: 'protectedInstances',
    config: { tags: { Environment: 'prod*' } },
    passes: event('events/stopinstances-awsservice.json'),
    fails: event(TERMINATE),
    facts: { history: new Map([['i-0a1b2c3d4e5f60001', [prodLaunch]]]) },
    exempt: { people: ['bob'] },
    message: 'i-0a1b2c3d4e5f60001 is protected (Environment=prod) and was terminated',
  },
  {
    rule: 'trailTampering',
    config: {},
    passes: event(CLI),
    fails: event('events/stoplogging-sso.json'),
    exempt: { people: ['mallory@*'] },
    message:
      'stopped logging on trail arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail: CloudTrail may no longer record what happens',
  },
  {
    rule: 'launchQuota',
    config: { maxInstances: 10, windowMinutes: 60 },
    passes: event(CLI),
    fails: event(CLI),
    // At the limit, then one over it.
    passFacts: window(10),
    facts: window(11),
    message:
      'alice launched 11 instances in 60 minutes (launches from 2026-03-02T09:00Z to 2026-03-02T09:59Z); the quota is 10',
  },
];

describe('policy rules', () => {
  it.each(CASES)('$rule: passes a compliant event', ({ rule, config, passes, facts, passFacts }) => {
    expect(rulesBroken({ [rule]: config }, passes, passFacts ?? facts ?? {})).toEqual([]);
  });

  it.each(CASES)('$rule: flags "$message"', ({ rule, config, fails, facts, message }) => {
    const violations = evaluate(
      fails,
      compilePolicy(parsePolicy({ rules: { [rule]: config } }, 'test')),
      facts,
    );
    expect(violations.map((v) => v.message)).toContain(message);
    expect(violations.every((v) => v.rule === rule)).toBe(true);
  });

  it.each(CASES.filter((c) => c.exempt))(
    '$rule: honours its exemptions',
    ({ rule, config, fails, facts, exempt }) => {
      expect(rulesBroken({ [rule]: { ...config, exempt } }, fails, facts)).toEqual([]);
    },
  );

  it("uses each rule's severity and sorts the most severe first", () => {
    const violations = evaluate(
      event(ROOT),
      compilePolicy(
        parsePolicy(
          { rules: { publicIpForbidden: { severity: 'info' }, rootUser: {}, imdsv2Required: {} } },
          'test',
        ),
      ),
    );
    expect(violations.map((v) => [v.rule, v.severity])).toEqual([
      ['rootUser', 'critical'],
      ['imdsv2Required', 'warning'],
      ['publicIpForbidden', 'info'],
    ]);
  });

  it('skips a rule that is switched off', () => {
    expect(rulesBroken({ rootUser: { enabled: false } }, event(ROOT))).toEqual([]);
  });

  it('judges a stop recorded before its launch once the launch arrives', () => {
    const [stopRecord] = event('events/stopinstances-assumedrole-sourceidentity.json');
    if (!stopRecord) throw new Error('fixture without records');
    const stoppedEarlier: HistoryEntry = {
      eventKey: stopRecord.eventKey,
      record: stopRecord,
      action: 'stop',
      outcome: 'success',
      eventTime: '2026-03-01T08:00:00Z',
      actorName: 'maria',
      tags: null,
    };
    const launch = event(CLI, withLaunch({ tags: { Environment: 'prod' } }));
    const violations = evaluate(
      launch,
      compilePolicy(
        parsePolicy({ rules: { protectedInstances: { tags: { Environment: 'prod' } } } }, 'test'),
      ),
      { history: new Map([['i-0a1b2c3d4e5f60001', [stoppedEarlier]]]) },
    );
    expect(violations.map((v) => v.message)).toEqual([
      'i-0a1b2c3d4e5f60001 is protected (Environment=prod) and was stopped by maria at 2026-03-01T08:00:00Z (recorded before its launch)',
    ]);
    // The violation is about the stop, so it is alerted as the stop, once, by whichever event finds it.
    expect(violations[0]?.about).toBe(stopRecord);
  });

  it('judges a launch whose response CloudTrail omitted by the count it requested', () => {
    // 500 requested (min = max = 500), response omitted: the default policy allows 20 per launch.
    const big = event(
      'damaged/launch-response-omitted.json',
      withLaunch({ minCount: 500, maxCount: 500, instanceCount: 500 }),
    );
    const violations = evaluate(
      big,
      compilePolicy(parsePolicy({ rules: { maxInstancesPerLaunch: { max: 20 } } }, 'test')),
    );
    expect(violations.map((v) => v.message)).toEqual([
      'up to 500 instances requested in one launch (CloudTrail omitted the response, so their ids are unknown); the maximum is 20',
    ]);
    // At the limit, not over it: 20 requested breaks nothing.
    const twenty = event(
      'damaged/launch-response-omitted.json',
      withLaunch({ maxCount: 20, instanceCount: 20 }),
    );
    expect(rulesBroken({ maxInstancesPerLaunch: { max: 20 } }, twenty)).toEqual([]);
  });

  it('does not call a service acting as the account root the root user', () => {
    const byService = event(ROOT, (r) => ({
      ...r,
      actor: {
        ...r.actor,
        kind: 'service',
        name: 'autoscaling.amazonaws.com',
        invokedBy: 'autoscaling.amazonaws.com',
      },
    }));
    expect(rulesBroken({ rootUser: {} }, byService)).toEqual([]);
    expect(rulesBroken({ rootUser: {} }, event(ROOT))).toEqual(['rootUser']);
  });

  it('does not apply launch rules to a dry run that launched nothing', () => {
    expect(
      rulesBroken(
        { instanceType: { deny: ['t3.*'] }, requiredTags: { tags: { Owner: null } } },
        event('events/runinstances-dryrun.json'),
      ),
    ).toEqual([]);
  });

  it('wraps the launch-hours window over midnight', () => {
    const night = {
      timeZone: 'UTC',
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      from: '22:00',
      to: '06:00',
    };
    expect(
      rulesBroken(
        { launchHours: night },
        event(CLI, (r) => ({ ...r, eventTime: '2026-03-02T23:30:00Z' })),
      ),
    ).toEqual([]);
    expect(rulesBroken({ launchHours: night }, event(CLI))).toEqual(['launchHours']);
  });
});

describe('numeric rules at their limits', () => {
  const hours = { timeZone: 'UTC', from: '08:00', to: '19:00' };
  const on = (time: string) => event(CLI, (r) => ({ ...r, eventTime: `2026-03-02T${time}Z` }));
  it.each([
    // [launch time (a Monday, UTC), broken?] — `from` is inside the window, `to` is not.
    ['07:59:59', true],
    ['08:00:00', false],
    ['18:59:59', false],
    ['19:00:00', true],
  ])('launchHours 08:00–19:00: a launch at %s breaks it: %s', (time, broken) => {
    expect(rulesBroken({ launchHours: hours }, on(time))).toEqual(broken ? ['launchHours'] : []);
  });

  it.each([
    // The CLI fixture launches 2 instances.
    [1, true],
    [2, false],
    [3, false],
  ])('maxInstancesPerLaunch %i: 2 instances break it: %s', (max, broken) => {
    expect(rulesBroken({ maxInstancesPerLaunch: { max } }, event(CLI))).toEqual(
      broken ? ['maxInstancesPerLaunch'] : [],
    );
  });

  it.each([
    [49, false],
    [50, false],
    [51, true],
  ])('launchQuota 50: a window of %i breaks it: %s', (launches, broken) => {
    const facts = { launchQuota: { launches, fromMs: 0, toMs: 0 } };
    expect(rulesBroken({ launchQuota: { maxInstances: 50, windowMinutes: 60 } }, event(CLI), facts)).toEqual(
      broken ? ['launchQuota'] : [],
    );
  });
});

describe('policy validation', () => {
  function problems(raw: unknown): readonly string[] {
    try {
      parsePolicy(raw, 'policy.json');
    } catch (error) {
      if (error instanceof PolicyError) return error.problems;
      throw error;
    }
    return [];
  }

  it.each([
    [{ rules: { rootUsr: {} } }, 'rules: unknown field "rootUsr"'],
    [
      { rules: { rootUser: { severity: 'high' } } },
      'rules.rootUser.severity: Invalid option: expected one of "info"|"warning"|"critical"',
    ],
    [
      { rules: { instanceType: { deny: ['p5 .*'] } } },
      'rules.instanceType.deny[0]: "p5 .*" is not a valid pattern: only * and ? are wildcards, and spaces and [ ] { } are not allowed',
    ],
    [
      { rules: { requiredTags: { tags: { CostCenter: '^cc-(' } } } },
      'rules.requiredTags.tags.CostCenter: "^cc-(" is not a valid regular expression',
    ],
    [
      { rules: { maxInstancesPerLaunch: { max: '10' } } },
      'rules.maxInstancesPerLaunch.max: Invalid input: expected number, received string',
    ],
    [
      { rules: { launchHours: { timeZone: 'Mars/Olympus', from: '08:00', to: '18:00' } } },
      'rules.launchHours.timeZone: "Mars/Olympus" is not an IANA time zone such as "Europe/Paris"',
    ],
    [
      { rules: { launchHours: { timeZone: 'UTC', from: '8am', to: '18:00' } } },
      'rules.launchHours.from: must be a 24-hour time such as "08:00"',
    ],
    [{ rules: { rootUser: { exempt: { users: [] } } } }, 'rules.rootUser.exempt: unknown field "users"'],
    [
      { rules: { allowedRegions: { regions: ['europe'] } } },
      'rules.allowedRegions.regions[0]: must be a region code such as "eu-west-1"',
    ],
  ])('rejects %j naming the field', (raw, message) => {
    const found = problems(raw);
    expect(found).toHaveLength(1);
    expect(found[0]?.startsWith(message)).toBe(true);
  });

  it('reports every problem of a file at once', () => {
    expect(
      problems({ rules: { rootUser: { severity: 'x' }, ami: { allow: [''] }, nope: {} }, extra: 1 }),
    ).toHaveLength(4);
  });
});

describe('consoleWithoutMfa judges only what CloudTrail can know', () => {
  // The root console launch, signed by other identities; every one says mfaAuthenticated "false".
  const signedBy = (userIdentity: object) => {
    const raw = loadJson('events/runinstances-root-console.json') as Record<string, unknown>;
    const result = attribute({ ...raw, userIdentity, sessionCredentialFromConsole: 'true' });
    if (result.kind !== 'records') throw new Error('fixture skipped');
    return rulesBroken({ consoleWithoutMfa: {} }, result.records);
  };
  const noMfa = { attributes: { creationDate: '2026-03-02T09:00:00Z', mfaAuthenticated: 'false' } };
  const account = '111122223333';

  it("flags IAM users and root: their sign-in is AWS's own, and CloudTrail records its MFA", () => {
    expect(
      signedBy({
        type: 'IAMUser',
        arn: `arn:aws:iam::${account}:user/alice`,
        userName: 'alice',
        sessionContext: noMfa,
      }),
    ).toEqual(['consoleWithoutMfa']);
    expect(signedBy({ type: 'Root', arn: `arn:aws:iam::${account}:root`, sessionContext: noMfa })).toEqual([
      'consoleWithoutMfa',
    ]);
  });

  it("never flags IAM Identity Center, SAML or other role sessions: the identity provider's MFA is invisible to AWS", () => {
    const sso = {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${account}:assumed-role/AWSReservedSSO_Admin_0a1b2c3d4e5f6a7b/jane@example.com`,
      sessionContext: {
        ...noMfa,
        sessionIssuer: {
          type: 'Role',
          arn: `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0a1b2c3d4e5f6a7b`,
          userName: 'AWSReservedSSO_Admin_0a1b2c3d4e5f6a7b',
        },
      },
    };
    const saml = {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${account}:assumed-role/OktaAdmin/jane@example.com`,
      sessionContext: {
        ...noMfa,
        sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${account}:role/OktaAdmin`, userName: 'OktaAdmin' },
      },
    };
    expect(signedBy(sso)).toEqual([]);
    expect(signedBy(saml)).toEqual([]);
    expect(
      signedBy({ type: 'SAMLUser', userName: 'jane@example.com', principalId: 'x', sessionContext: noMfa }),
    ).toEqual([]);
  });
});
