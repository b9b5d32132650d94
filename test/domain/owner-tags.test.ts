/**
 * The owner tag planner. Expected values are read off the fixtures by hand (caller ARN, event time,
 * instance ids, tags given at launch) and the tag rules AWS documents: 256 characters, letters,
 * digits, spaces and `_ . : / = + - @`, no `aws:` prefix.
 */

import { attribute } from '../../lambda/domain';
import {
  DEFAULT_OWNER_TAGS,
  type OwnerTagSettings,
  ownerTagsPerInstance,
  planAgainstCurrentTags,
  planOwnerTags,
} from '../../lambda/domain/owner-tags';
import type { AttributionRecord } from '../../lambda/domain/record';
import { sanitizeTagValue, tagKeyProblem } from '../../lambda/domain/tags';
import { loadJson, recordsOf } from '../helpers/fixtures';

const ALL: OwnerTagSettings = { tags: DEFAULT_OWNER_TAGS, overwrite: false };

/** The CLI launch of two instances by alice, with network interfaces and a volume added to the response. */
function cliLaunchWithAttachments(): readonly AttributionRecord[] {
  type Item = Record<string, unknown>;
  const event = loadJson('events/runinstances-iamuser-cli.json') as {
    responseElements: { instancesSet: { items: Item[] } };
  };
  const items = event.responseElements.instancesSet.items as [Item, Item];
  items[0].networkInterfaceSet = { items: [{ networkInterfaceId: 'eni-0000000000000000a' }] };
  items[0].blockDeviceMapping = {
    items: [{ deviceName: '/dev/xvda', ebs: { volumeId: 'vol-0000000000000000a' } }],
  };
  items[1].networkInterfaceSet = { items: [{ networkInterfaceId: 'eni-0000000000000000b' }] };
  const result = attribute(event);
  if (result.kind !== 'records') throw new Error('fixture skipped');
  return result.records;
}

describe('planOwnerTags', () => {
  it('tags both instances, their interfaces and the named volume, keeping the Owner tag they launched with', () => {
    const plan = planOwnerTags(cliLaunchWithAttachments(), ALL);
    // The instances launched with Owner=alice: without overwrite it stays. Interfaces and the
    // volume launched without it (the volume's only tag key is VolumeOnly), so they get all four.
    expect(plan).toEqual({
      eventKey: expect.any(String),
      account: '111122223333',
      region: 'eu-west-1',
      calls: [
        {
          resources: ['i-0a1b2c3d4e5f60001', 'i-0a1b2c3d4e5f60002'],
          tags: [
            { key: 'LaunchedBy', value: 'arn:aws:iam::111122223333:user/alice' },
            { key: 'LaunchedAt', value: '2026-03-02T09:15:04Z' },
          ],
        },
        {
          resources: ['eni-0000000000000000a', 'vol-0000000000000000a', 'eni-0000000000000000b'],
          tags: [
            { key: 'Owner', value: 'alice' },
            { key: 'LaunchedBy', value: 'arn:aws:iam::111122223333:user/alice' },
            { key: 'LaunchedAt', value: '2026-03-02T09:15:04Z' },
          ],
        },
      ],
      kept: [
        { resource: 'i-0a1b2c3d4e5f60001', key: 'Owner' },
        { resource: 'i-0a1b2c3d4e5f60002', key: 'Owner' },
      ],
    });
  });

  it('writes over the launch tags with overwrite on, in one call', () => {
    const plan = planOwnerTags(cliLaunchWithAttachments(), { tags: { Owner: 'person' }, overwrite: true });
    expect(plan?.calls).toEqual([
      {
        resources: [
          'i-0a1b2c3d4e5f60001',
          'eni-0000000000000000a',
          'vol-0000000000000000a',
          'i-0a1b2c3d4e5f60002',
          'eni-0000000000000000b',
        ],
        tags: [{ key: 'Owner', value: 'alice' }],
      },
    ]);
    expect(plan?.kept).toEqual([]);
  });

  it('names the person behind a service launch, the caller and the service resource', () => {
    const [record] = recordsOf('events/runinstances-autoscaling-spot.json');
    if (!record) throw new Error('no record');
    // The initiator as the linker would set it after seeing bob's UpdateAutoScalingGroup.
    const linked: AttributionRecord = {
      ...record,
      initiator: {
        arn: 'arn:aws:iam::111122223333:user/bob',
        name: 'bob',
        kind: record.actor.kind,
        quotaSubject: 'arn:aws:iam::111122223333:user/bob',
        viaConsole: false,
        mfaAuthenticated: true,
        mfaKnown: null,
        verified: true,
        eventId: 'e-1',
        eventName: 'UpdateAutoScalingGroup',
        eventTime: '2026-03-04T01:59:00Z',
        resourceType: 'auto-scaling-group',
        resourceId: 'web-asg',
      },
    };
    const plan = planOwnerTags([linked], ALL);
    expect(plan?.calls[0]?.tags).toEqual([
      { key: 'Owner', value: 'bob' },
      {
        key: 'LaunchedBy',
        value: 'arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling',
      },
      { key: 'LaunchedVia', value: `${record.via?.resourceType}/web-asg` },
      { key: 'LaunchedAt', value: '2026-03-04T02:00:00Z' },
    ]);
    // Without a known initiator, the person is the caller itself.
    expect(planOwnerTags([{ ...record, initiator: null }], ALL)?.calls[0]?.tags[0]).toEqual({
      key: 'Owner',
      value: record.actor.name,
    });
  });

  it.each([
    ['a refused launch', 'events/runinstances-unauthorized-federated.json'],
    ['a dry run', 'events/runinstances-dryrun.json'],
    ['a stop', 'events/stopinstances-awsservice.json'],
  ])('plans nothing for %s', (_title, fixture) => {
    expect(planOwnerTags(recordsOf(fixture), ALL)).toBeNull();
  });

  it('plans nothing when no tag has a value (a direct launch has no via)', () => {
    expect(
      planOwnerTags(recordsOf('events/runinstances-iamuser-cli.json'), {
        tags: { Via: 'via' },
        overwrite: false,
      }),
    ).toBeNull();
  });

  it('splits a launch of more than 1,000 resources into calls of at most 1,000', () => {
    const [record] = recordsOf('events/runinstances-sso-terraform.json');
    if (!record) throw new Error('no record');
    const many = Array.from({ length: 2_500 }, (_, i) => ({
      ...record,
      instanceId: `i-${String(i).padStart(17, '0')}`,
    }));
    const plan = planOwnerTags(many, { tags: { LaunchedAt: 'time' }, overwrite: false });
    expect(plan?.calls.map((c) => c.resources.length)).toEqual([1000, 1000, 500]);
    expect(new Set(plan?.calls.flatMap((c) => c.resources)).size).toBe(2_500);
  });
});

describe('tag values and keys', () => {
  it('keeps what every service accepts and replaces the rest', () => {
    expect(sanitizeTagValue('alice@example.com')).toBe('alice@example.com');
    expect(sanitizeTagValue('Zoë Müller (ops)')).toBe('Zoë Müller _ops_');
    expect(sanitizeTagValue('a,b;c*d"e')).toBe('a_b_c_d_e');
    expect(sanitizeTagValue('arn:aws:iam::111122223333:user/a+b=c')).toBe(
      'arn:aws:iam::111122223333:user/a+b=c',
    );
  });

  it('never starts a value with aws:', () => {
    expect(sanitizeTagValue('aws:cloudformation:stack')).toBe('_aws:cloudformation:stack');
    expect(sanitizeTagValue('AWS:x')).toBe('_AWS:x');
  });

  it('cuts at 256 characters, counting characters, not bytes', () => {
    expect(sanitizeTagValue('x'.repeat(300))).toHaveLength(256);
    const accented = sanitizeTagValue('é'.repeat(300));
    expect([...accented]).toHaveLength(256);
    expect(sanitizeTagValue('y'.repeat(256))).toBe('y'.repeat(256));
  });

  it.each([
    ['Owner', null],
    ['team:owner', null],
    ['', 'must be 1 to 128 characters'],
    ['k'.repeat(129), 'must be 1 to 128 characters'],
    ['aws:owner', 'must not start with "aws:" (reserved for AWS)'],
    ['Owner*', 'may hold only letters, digits, spaces and _ . : / = + - @'],
    ['team/owner', 'must not hold spaces or "/": instance metadata tags cannot show such keys'],
    ['Owner Name', 'must not hold spaces or "/": instance metadata tags cannot show such keys'],
  ])('judges the key %j', (key, problem) => {
    expect(tagKeyProblem(key)).toBe(problem);
  });
});

describe('ownerTagsPerInstance', () => {
  it("tells each instance only its own resources' share of the plan", () => {
    const view = ownerTagsPerInstance(cliLaunchWithAttachments(), ALL);
    // Read off the fixture: the first instance has eni-…a and vol-…a, the second eni-…b; both
    // launched with Owner=alice, so the instances get two tags and keep Owner.
    expect(Object.fromEntries(view)).toEqual({
      'i-0a1b2c3d4e5f60001': {
        tags: { LaunchedBy: 'arn:aws:iam::111122223333:user/alice', LaunchedAt: '2026-03-02T09:15:04Z' },
        resources: ['i-0a1b2c3d4e5f60001', 'eni-0000000000000000a', 'vol-0000000000000000a'],
        kept: [{ resource: 'i-0a1b2c3d4e5f60001', key: 'Owner' }],
      },
      'i-0a1b2c3d4e5f60002': {
        tags: { LaunchedBy: 'arn:aws:iam::111122223333:user/alice', LaunchedAt: '2026-03-02T09:15:04Z' },
        resources: ['i-0a1b2c3d4e5f60002', 'eni-0000000000000000b'],
        kept: [{ resource: 'i-0a1b2c3d4e5f60002', key: 'Owner' }],
      },
    });
  });

  it('is empty for records that launch nothing', () => {
    expect(
      ownerTagsPerInstance(recordsOf('events/stopinstances-assumedrole-sourceidentity.json'), ALL).size,
    ).toBe(0);
    const failed = recordsOf('events/runinstances-unauthorized-federated.json');
    expect(ownerTagsPerInstance(failed, ALL).size).toBe(0);
  });
});

describe('planAgainstCurrentTags', () => {
  const plan = () => {
    const made = planOwnerTags(cliLaunchWithAttachments(), ALL);
    if (!made) throw new Error('no plan');
    return made;
  };

  it('keeps the keys a resource has now, and regroups the rest', () => {
    // Since the launch, someone set Owner on the first interface and LaunchedAt on the volume.
    const current = new Map([
      ['eni-0000000000000000a', new Set(['Owner'])],
      ['vol-0000000000000000a', new Set(['LaunchedAt', 'CostCenter'])],
    ]);
    const result = planAgainstCurrentTags(plan(), current, false);
    const by = 'arn:aws:iam::111122223333:user/alice';
    const at = '2026-03-02T09:15:04Z';
    expect(result.calls).toEqual([
      {
        resources: ['i-0a1b2c3d4e5f60001', 'i-0a1b2c3d4e5f60002', 'eni-0000000000000000a'],
        tags: [
          { key: 'LaunchedBy', value: by },
          { key: 'LaunchedAt', value: at },
        ],
      },
      {
        resources: ['vol-0000000000000000a'],
        tags: [
          { key: 'Owner', value: 'alice' },
          { key: 'LaunchedBy', value: by },
        ],
      },
      {
        resources: ['eni-0000000000000000b'],
        tags: [
          { key: 'Owner', value: 'alice' },
          { key: 'LaunchedBy', value: by },
          { key: 'LaunchedAt', value: at },
        ],
      },
    ]);
    // The two kept at launch, then the two found now.
    expect(result.kept).toEqual([
      { resource: 'i-0a1b2c3d4e5f60001', key: 'Owner' },
      { resource: 'i-0a1b2c3d4e5f60002', key: 'Owner' },
      { resource: 'eni-0000000000000000a', key: 'Owner' },
      { resource: 'vol-0000000000000000a', key: 'LaunchedAt' },
    ]);
  });

  it('writes over what resources have now with overwrite on', () => {
    const current = new Map([['eni-0000000000000000a', new Set(['Owner'])]]);
    const made = plan();
    const result = planAgainstCurrentTags(made, current, true);
    expect(result.calls).toEqual(made.calls);
    expect(result.kept).toEqual(made.kept);
  });

  it('plans nothing when every resource has every key', () => {
    const made = plan();
    const everything = new Set(Object.keys(DEFAULT_OWNER_TAGS));
    const current = new Map(made.calls.flatMap((c) => c.resources).map((r) => [r, everything]));
    expect(planAgainstCurrentTags(made, current, false).calls).toEqual([]);
  });
});
