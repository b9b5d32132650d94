/**
 * Violations as ASFF findings. Expected values come from the fixtures (root launches three
 * p5.48xlarge instances in us-east-1 at 10:02:11; mallory stops the org trail; a federated user
 * is refused a launch) and from the Security Hub documentation: the required top-level
 * attributes, schema version 2018-10-08, Title at most 256 characters, Description 1024,
 * Recommendation.Text 512, 1 to 32 resources, the five type namespaces, and the rule that a
 * custom finding's AwsAccountId is the importing account.
 */

import { compilePolicy, evaluate, parsePolicy } from '../../lambda/domain';
import { RULE_IDS } from '../../lambda/domain/policy/schema';
import type { AttributionRecord } from '../../lambda/domain/record';
import {
  ASFF_SCHEMA_VERSION,
  archivedFindings,
  type Finding,
  findingsFor,
  findingsOfEvent,
  findingTargetOf,
  instanceFindingId,
  productArnOf,
  RULE_FINDINGS,
} from '../../lambda/domain/security-hub/finding';
import { recordsOf } from '../helpers/fixtures';

const policy = compilePolicy(
  parsePolicy(
    {
      rules: {
        rootUser: { severity: 'critical' },
        instanceType: { deny: ['p5.*'], severity: 'warning' },
        trailTampering: { severity: 'critical' },
        failedAttempts: { severity: 'info' },
      },
    },
    'test',
  ),
);
const target = findingTargetOf('arn:aws:securityhub:eu-west-1:999988887777:product/999988887777/default');
if (!target) throw new Error('the product ARN did not parse');
const NOW = new Date('2026-03-02T10:05:00Z');
const advice = { instanceType: 'Use an allowed type.', rootUser: 'Stop using root.' };

/** Security Hub's required top-level attributes (user guide, "Required top-level ASFF attributes"). */
const REQUIRED = [
  'AwsAccountId',
  'CreatedAt',
  'Description',
  'GeneratorId',
  'Id',
  'ProductArn',
  'Resources',
  'SchemaVersion',
  'Severity',
  'Title',
  'Types',
  'UpdatedAt',
] as const;
const NAMESPACES = [
  'Software and Configuration Checks',
  'TTPs',
  'Effects',
  'Unusual Behaviors',
  'Sensitive Data Identifications',
];

function expectValidAsff(finding: Finding): void {
  for (const field of REQUIRED)
    expect({ field, present: finding[field] !== undefined }).toEqual({ field, present: true });
  expect(finding.SchemaVersion).toBe('2018-10-08');
  expect(finding.Title.length).toBeGreaterThan(0);
  expect([...finding.Title].length).toBeLessThanOrEqual(256);
  expect([...finding.Description].length).toBeLessThanOrEqual(1024);
  expect(finding.Resources.length).toBeGreaterThanOrEqual(1);
  expect(finding.Resources.length).toBeLessThanOrEqual(32);
  for (const t of finding.Types) {
    expect(t.split('/')).toHaveLength(3);
    expect(NAMESPACES).toContain(t.split('/')[0]);
  }
  for (const time of [finding.CreatedAt, finding.UpdatedAt])
    expect(Number.isNaN(Date.parse(time))).toBe(false);
  expect(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']).toContain(finding.Severity.Label);
}

describe('the product ARN', () => {
  it('is the account default product, and only that parses as a target', () => {
    expect(productArnOf('aws', 'eu-west-1', '999988887777')).toBe(
      'arn:aws:securityhub:eu-west-1:999988887777:product/999988887777/default',
    );
    expect(target).toEqual({
      productArn: 'arn:aws:securityhub:eu-west-1:999988887777:product/999988887777/default',
      partition: 'aws',
      region: 'eu-west-1',
      account: '999988887777',
    });
    // Another account's product, or a partner's, is not this account's custom integration.
    expect(
      findingTargetOf('arn:aws:securityhub:eu-west-1:999988887777:product/111122223333/default'),
    ).toBeNull();
    expect(
      findingTargetOf('arn:aws:securityhub:eu-west-1::product/crowdstrike/crowdstrike-falcon'),
    ).toBeNull();
    expect(
      findingTargetOf('arn:aws-us-gov:securityhub:us-gov-west-1:999988887777:product/999988887777/default'),
    ).toMatchObject({ partition: 'aws-us-gov', region: 'us-gov-west-1' });
  });

  it('refuses an ARN with anything before or after it', () => {
    const arn = 'arn:aws:securityhub:eu-west-1:999988887777:product/999988887777/default';
    expect(findingTargetOf(` ${arn}`)).toBeNull();
    expect(findingTargetOf(`x${arn}`)).toBeNull();
    expect(findingTargetOf(`${arn}/more`)).toBeNull();
    expect(findingTargetOf(`${arn} `)).toBeNull();
  });
});

describe('findings of a launch', () => {
  const records = recordsOf('events/runinstances-root-console.json');
  const violations = evaluate(records, policy, {});
  const findings = findingsFor(records, violations, { target, now: NOW, advice });

  it('is one finding per instance and broken rule: 3 instances × 2 rules', () => {
    expect(violations.map((v) => v.rule).sort()).toEqual(['instanceType', 'rootUser']);
    expect(findings).toHaveLength(6);
    expect(new Set(findings.map((f) => f.Id)).size).toBe(6);
    expect(findings.map((f) => f.Id)).toContain(
      'ec2trail/111122223333/us-east-1/instance/i-0b1b2c3d4e5f60002/instanceType',
    );
    for (const f of findings) expectValidAsff(f);
  });

  it('holds the documented required fields, in the importing account, with the severity mapped', () => {
    const root = findings.find((f) => f.Id.endsWith('i-0b1b2c3d4e5f60001/rootUser'));
    const type = findings.find((f) => f.Id.endsWith('i-0b1b2c3d4e5f60001/instanceType'));
    expect(root).toMatchObject({
      SchemaVersion: '2018-10-08',
      ProductArn: 'arn:aws:securityhub:eu-west-1:999988887777:product/999988887777/default',
      GeneratorId: 'ec2trail/rootUser',
      // The instance is in 111122223333; a custom finding lives in the account that imports it.
      AwsAccountId: '999988887777',
      // ASFF: a finding is created with CreatedAt equal to UpdatedAt (the import's time, NOW);
      // the call's own time is FirstObservedAt.
      CreatedAt: '2026-03-02T10:05:00.000Z',
      FirstObservedAt: '2026-03-02T10:02:11.000Z',
      LastObservedAt: '2026-03-02T10:02:11.000Z',
      UpdatedAt: '2026-03-02T10:05:00.000Z',
      Severity: { Label: 'CRITICAL', Original: 'critical' },
      FindingProviderFields: { Severity: { Label: 'CRITICAL', Original: 'critical' } },
      RecordState: 'ACTIVE',
      Remediation: { Recommendation: { Text: 'Stop using root.' } },
      ProductFields: {
        'ec2trail/rule': 'rootUser',
        'ec2trail/person': 'root',
        'ec2trail/account': '111122223333',
      },
    });
    expect(type?.Severity).toEqual({ Label: 'MEDIUM', Original: 'warning' });
    expect(type?.Title).toBe('Instance type not allowed: i-0b1b2c3d4e5f60001 launched by root');
    expect(type?.Resources).toEqual([
      {
        Type: 'AwsEc2Instance',
        Id: 'arn:aws:ec2:us-east-1:111122223333:instance/i-0b1b2c3d4e5f60001',
        Partition: 'aws',
        Region: 'us-east-1',
        // The fixture's tagSpecificationSet: Name=gpu-burst.
        Tags: { Name: 'gpu-burst' },
        Details: {
          AwsEc2Instance: expect.objectContaining({
            Type: 'p5.48xlarge',
            KeyName: 'ops-key',
            SubnetId: 'subnet-0a1b2c3d4e5f60718',
            VpcId: 'vpc-0fedcba9876543210',
            IpV4Addresses: ['10.0.1.10'],
            LaunchedAt: '2026-03-02T10:02:11.000Z',
            MetadataOptions: { HttpTokens: 'optional' },
          }),
        },
      },
    ]);
  });

  it('gives a redelivery the same ids, created and updated at its own import, observed at the call', () => {
    const later = findingsFor(records, violations, { target, now: new Date('2026-03-02T11:00:00Z'), advice });
    expect(later.map((f) => f.Id)).toEqual(findings.map((f) => f.Id));
    for (const f of later) {
      expect(f.CreatedAt).toBe('2026-03-02T11:00:00.000Z');
      expect(f.UpdatedAt).toBe(f.CreatedAt);
      expect(f.FirstObservedAt).toBe('2026-03-02T10:02:11.000Z');
    }
  });

  it('cuts long text to the documented limits', () => {
    const long = violations.map((v) => ({ ...v, message: 'm'.repeat(3000) }));
    const [first] = findingsFor(records, long, { target, now: NOW, advice: { rootUser: 'a'.repeat(600) } });
    expect(first?.Description).toHaveLength(1024);
    expect(first?.Description.endsWith('…')).toBe(true);
    expect(first?.Remediation?.Recommendation.Text).toHaveLength(512);
  });
});

describe('findings of other events', () => {
  it('makes a trail stopped one finding about that trail', () => {
    const records = recordsOf('events/stoplogging-sso.json');
    const findings = findingsFor(records, evaluate(records, policy, {}), { target, now: NOW, advice: {} });
    expect(findings).toHaveLength(1);
    expectValidAsff(findings[0] as Finding);
    expect(findings[0]).toMatchObject({
      Id: 'ec2trail/111122223333/eu-west-1/event/33333333-aaaa-4bbb-8ccc-000000000001/trailTampering',
      Types: ['TTPs/Defense Evasion/ec2trail trail tampering'],
      Severity: { Label: 'CRITICAL' },
      Resources: [
        {
          Type: 'AwsCloudTrailTrail',
          Id: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail',
          Partition: 'aws',
          Region: 'eu-west-1',
        },
      ],
    });
    expect(findings[0]?.Remediation).toBeUndefined();
  });

  it('makes a refused launch a finding about the account', () => {
    const records = recordsOf('events/runinstances-unauthorized-federated.json');
    const findings = findingsFor(records, evaluate(records, policy, {}), { target, now: NOW, advice: {} });
    expect(findings.map((f) => f.GeneratorId)).toEqual(['ec2trail/failedAttempts']);
    expectValidAsff(findings[0] as Finding);
    expect(findings[0]?.Resources).toEqual([
      { Type: 'AwsAccount', Id: 'AWS::::Account:111122223333', Partition: 'aws', Region: 'eu-west-1' },
    ]);
    expect(findings[0]?.Severity.Label).toBe('INFORMATIONAL');
  });

  it('lists at most 32 instances and says how many more there were', () => {
    const [one] = recordsOf('events/runinstances-root-console.json');
    const stop: AttributionRecord[] = Array.from({ length: 40 }, (_, n) => ({
      ...(one as AttributionRecord),
      action: 'stop',
      eventName: 'StopInstances',
      launch: null,
      instanceId: `i-${String(n).padStart(17, '0')}`,
    }));
    const [finding] = findingsFor(
      stop,
      [{ rule: 'rootUser', severity: 'critical', message: 'root stopped 40 instances' }],
      {
        target,
        now: NOW,
        advice: {},
      },
    );
    expect(finding?.Resources).toHaveLength(32);
    expect(finding?.Description).toContain('8 more instances than the 32 listed');
  });

  it('says nothing of more instances when all 32 are listed', () => {
    const [one] = recordsOf('events/runinstances-root-console.json');
    const stops = (count: number): AttributionRecord[] =>
      Array.from({ length: count }, (_, n) => ({
        ...(one as AttributionRecord),
        action: 'stop',
        eventName: 'StopInstances',
        launch: null,
        instanceId: `i-${String(n).padStart(17, '0')}`,
      }));
    const rootStopped = [
      { rule: 'rootUser' as const, severity: 'critical' as const, message: 'root stopped them' },
    ];
    const [all] = findingsFor(stops(32), rootStopped, { target, now: NOW, advice: {} });
    expect(all?.Resources).toHaveLength(32);
    expect(all?.Description).not.toContain('more instances');
    const [over] = findingsFor(stops(33), rootStopped, { target, now: NOW, advice: {} });
    expect(over?.Description).toContain('; 1 more instance than the 32 listed');
  });
});

describe('archived findings of a terminated instance', () => {
  const launch = recordsOf('events/runinstances-root-console.json');
  const active = findingsFor(launch, evaluate(launch, policy, {}), { target, now: NOW, advice });
  const [terminate] = recordsOf('events/terminateinstances-identitycenteruser.json');
  // The fixture's terminate is in eu-west-1; the instance was launched in us-east-1.
  const here = { ...(terminate as AttributionRecord), region: 'us-east-1' };
  const archived = archivedFindings(
    here,
    {
      instanceId: 'i-0b1b2c3d4e5f60001',
      launchEventKey: launch[0]?.eventKey ?? '',
      launchedAt: '2026-03-02T10:02:11Z',
      launchedBy: 'root',
      rules: ['rootUser', 'instanceType'],
      severities: { rootUser: 'critical' },
      alertSeverity: 'warning',
      // The launch's alert, and so its findings, went out at NOW.
      alertSentAt: NOW.toISOString(),
    },
    { target, now: new Date('2026-03-09T07:31:00Z'), advice },
  );

  it('archives the same ids the launch imported, and only those', () => {
    const launchIds = active.filter((f) => f.Id.includes('i-0b1b2c3d4e5f60001')).map((f) => f.Id);
    expect(archived.map((f) => f.Id).sort()).toEqual(launchIds.sort());
    for (const f of archived) {
      expectValidAsff(f);
      expect(f.RecordState).toBe('ARCHIVED');
      // Unchanged from the import that created it; only UpdatedAt moves.
      expect(f.CreatedAt).toBe(active[0]?.CreatedAt);
      expect(f.UpdatedAt).toBe('2026-03-09T07:31:00.000Z');
      expect(f.FirstObservedAt).toBe('2026-03-02T10:02:11.000Z');
      expect(f.LastObservedAt).toBe('2026-03-09T07:30:00.000Z');
      expect(f.ProductFields['ec2trail/person']).toBe('root');
    }
  });

  it("keeps each rule's severity: the policy's, else the alert's", () => {
    expect(Object.fromEntries(archived.map((f) => [f.GeneratorId, f.Severity.Label]))).toEqual({
      'ec2trail/rootUser': 'CRITICAL',
      'ec2trail/instanceType': 'MEDIUM',
    });
  });

  it('says who terminated it', () => {
    expect(archived[0]?.Description).toMatch(
      /terminated with TerminateInstances by .+ at 2026-03-09T07:30:00.000Z/,
    );
    expect(archived[0]?.ProductFields['ec2trail/terminatedBy']).toBeTruthy();
  });

  it('is built on the id scheme the launch uses', () => {
    expect(archived.map((f) => f.Id)).toContain(
      instanceFindingId('111122223333', 'us-east-1', 'i-0b1b2c3d4e5f60001', 'rootUser'),
    );
  });
});

describe('rule titles and types', () => {
  it('gives every rule a title and a type in one of the documented namespaces', () => {
    expect(Object.keys(RULE_FINDINGS).sort()).toEqual([...RULE_IDS].sort());
    for (const id of RULE_IDS) {
      const [namespace, category, classifier] = RULE_FINDINGS[id].type.split('/');
      expect(NAMESPACES).toContain(namespace);
      expect(category && classifier).toBeTruthy();
    }
    expect(ASFF_SCHEMA_VERSION).toBe('2018-10-08');
  });

  it('gives each rule a title of its own, so two rules never read alike in Security Hub', () => {
    const titles = RULE_IDS.map((id) => RULE_FINDINGS[id].title);
    expect(titles.every((t) => t.trim().length >= 10)).toBe(true);
    expect(new Set(titles).size).toBe(RULE_IDS.length);
  });
});

describe('edges of the ASFF mapping', () => {
  const [one] = recordsOf('events/runinstances-root-console.json');
  const base = one as AttributionRecord;
  const violation = { rule: 'instanceType' as const, severity: 'warning' as const, message: 'p5 is denied' };
  const only = (record: AttributionRecord) =>
    findingsFor([record], [violation], { target, now: NOW, advice: {} })[0] as Finding;

  it("writes an instance in China's partition with that partition's ARN", () => {
    const f = only({ ...base, region: 'cn-north-1' });
    expect(f.Resources[0]).toMatchObject({
      Partition: 'aws-cn',
      Region: 'cn-north-1',
      Id: 'arn:aws-cn:ec2:cn-north-1:111122223333:instance/i-0b1b2c3d4e5f60001',
    });
    expect(only({ ...base, region: 'us-gov-west-1' }).Resources[0]?.Partition).toBe('aws-us-gov');
  });

  it("takes the deploy's account and region for what CloudTrail left out", () => {
    const f = only({ ...base, account: null, region: null });
    expect(f.Id).toBe('ec2trail/999988887777/eu-west-1/instance/i-0b1b2c3d4e5f60001/instanceType');
    expect(f.Resources[0]?.Id).toBe('arn:aws:ec2:eu-west-1:999988887777:instance/i-0b1b2c3d4e5f60001');
  });

  it('keeps an instance profile ARN, never a bare name, and at most 50 tags of 256 characters', () => {
    const launch = base.launch as NonNullable<AttributionRecord['launch']>;
    const tags = Object.fromEntries(Array.from({ length: 60 }, (_, n) => [`k${n}`, 'v'.repeat(300)]));
    const named = only({ ...base, launch: { ...launch, iamInstanceProfile: 'web-profile', tags } });
    expect(named.Resources[0]?.Details?.AwsEc2Instance.IamInstanceProfileArn).toBeUndefined();
    expect(Object.keys(named.Resources[0]?.Tags ?? {})).toHaveLength(50);
    expect(named.Resources[0]?.Tags?.k0).toHaveLength(256);
    const arn = 'arn:aws:iam::111122223333:instance-profile/web-profile';
    expect(
      only({ ...base, launch: { ...launch, iamInstanceProfile: arn } }).Resources[0]?.Details?.AwsEc2Instance
        .IamInstanceProfileArn,
    ).toBe(arn);
  });

  it('names a trail given by name with its ARN', () => {
    const [stop] = recordsOf('events/stoplogging-sso.json');
    const byName = { ...(stop as AttributionRecord), trail: 'org-trail' };
    const [f] = findingsFor(
      [byName],
      [{ rule: 'trailTampering', severity: 'critical', message: 'stopped' }],
      {
        target,
        now: NOW,
        advice: {},
      },
    );
    expect(f?.Resources[0]?.Id).toBe('arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail');
  });

  it('cuts a long person name out of the title, not past 256 characters', () => {
    const long = { ...base, actor: { ...base.actor, name: 'x'.repeat(400) }, initiator: null };
    const f = only(long);
    expect([...f.Title]).toHaveLength(256);
    expect(f.Title.startsWith('Instance type not allowed: i-0b1b2c3d4e5f60001 launched by xxx')).toBe(true);
    expect(f.Title.endsWith('…')).toBe(true);
  });

  it('leaves a title of exactly 256 characters whole', () => {
    const prefix = 'Instance type not allowed: i-0b1b2c3d4e5f60001 launched by ';
    const name = 'y'.repeat(256 - prefix.length);
    const f = only({ ...base, actor: { ...base.actor, name }, initiator: null });
    expect(f.Title).toBe(`${prefix}${name}`);
  });

  it('names the person alone when CloudTrail gave no caller ARN', () => {
    const f = only({ ...base, actor: { ...base.actor, name: 'jane', arn: null }, initiator: null });
    expect(f.Description).toContain('by jane at ');
    expect(f.Description).not.toContain('by jane (');
  });

  it("writes the instance's image, and no tags or details it does not know", () => {
    // The fixture launches ami-0abcdef1234567890 (its responseElements).
    expect(only(base).Resources[0]?.Details?.AwsEc2Instance.ImageId).toBe('ami-0abcdef1234567890');
    const launch = base.launch as NonNullable<AttributionRecord['launch']>;
    const bare = only({ ...base, launch: { ...launch, tags: {} } }).Resources[0];
    expect(bare && 'Tags' in bare).toBe(false);
    const unknown = only({ ...base, launch: null }).Resources[0];
    expect(unknown?.Id).toBe('arn:aws:ec2:us-east-1:111122223333:instance/i-0b1b2c3d4e5f60001');
    expect(unknown && 'Details' in unknown).toBe(false);
  });

  it("names the person and the caller's ARN in the description", () => {
    const [f] = findingsFor(recordsOf('events/runinstances-iamuser-cli.json'), [violation], {
      target,
      now: NOW,
      advice: {},
    });
    const person = f?.ProductFields['ec2trail/person'] ?? '';
    const arn = f?.ProductFields['ec2trail/actorArn'] ?? '';
    expect(f?.Description).toContain(`by ${person} (${arn}) at`);
  });
});

describe('every finding of one event', () => {
  const [terminate] = recordsOf('events/terminateinstances-identitycenteruser.json');
  const [stop] = recordsOf('events/stopinstances-assumedrole-sourceidentity.json');
  const options = { target, now: NOW, advice: {} };

  it("reports the event's own violations about it, and a protected-instance violation about the call it concerns", () => {
    const here = terminate as AttributionRecord;
    const earlier = stop as AttributionRecord;
    const findings = findingsOfEvent(
      [here],
      [
        { rule: 'rootUser', severity: 'critical', message: 'root terminated it' },
        { rule: 'protectedInstances', severity: 'critical', message: 'a protected instance', about: earlier },
      ],
      options,
    );
    expect(findings.map((f) => f.Id)).toEqual([
      `ec2trail/${here.account}/${here.region}/event/${here.eventKey}/rootUser`,
      `ec2trail/${earlier.account}/${earlier.region}/event/${earlier.eventKey}/protectedInstances`,
    ]);
    expect(findings[1]?.Resources.map((r) => r.Id)).toEqual([
      `arn:aws:ec2:${earlier.region}:${earlier.account}:instance/${earlier.instanceId}`,
    ]);
  });

  it('makes no finding for the event itself when every violation is about another call', () => {
    const earlier = stop as AttributionRecord;
    const findings = findingsOfEvent(
      [terminate as AttributionRecord],
      [{ rule: 'protectedInstances', severity: 'warning', message: 'a protected instance', about: earlier }],
      options,
    );
    expect(findings.map((f) => f.GeneratorId)).toEqual(['ec2trail/protectedInstances']);
    expect(findings[0]?.Id).toContain(`/event/${earlier.eventKey}/`);
    expect(findingsOfEvent([terminate as AttributionRecord], [], options)).toEqual([]);
  });
});
