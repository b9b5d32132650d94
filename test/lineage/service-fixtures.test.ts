/**
 * Who is behind the service, on the fixture trails (test/fixtures/services/README.md): the
 * expected people below are read off each scenario by hand, not computed.
 */
import { headline, renderAlert } from '../../lambda/domain';
import { byEvent, permutations, resolveInMemory, scenarioFiles } from './fixture-trails';

interface Expected {
  readonly instanceId: string | null;
  readonly eventName: string;
  readonly via: readonly [string, string | null] | null;
  /** [initiator name, the initiator's call], or null when no person is known. */
  readonly initiator: readonly [string, string] | null;
  /** Words the reason must contain. */
  readonly reason?: string;
}

const EXPECTED: Record<string, readonly Expected[]> = {
  asg: [
    // Auto Scaling's dry run with alice's credentials: her own check, logged before her CreateAutoScalingGroup.
    {
      instanceId: null,
      eventName: 'RunInstances',
      via: ['auto-scaling-group', 'web-asg'],
      initiator: ['alice@example.com', 'RunInstances'],
    },
    {
      instanceId: null,
      eventName: 'CreateAutoScalingGroup',
      via: null,
      initiator: ['alice@example.com', 'CreateAutoScalingGroup'],
    },
    {
      instanceId: 'i-0a00000000000a001',
      eventName: 'RunInstances',
      via: ['auto-scaling-group', 'web-asg'],
      initiator: ['alice@example.com', 'CreateAutoScalingGroup'],
    },
    {
      instanceId: null,
      eventName: 'SetDesiredCapacity',
      via: null,
      initiator: ['bob', 'SetDesiredCapacity'],
    },
    {
      instanceId: 'i-0a00000000000a002',
      eventName: 'RunInstances',
      via: ['auto-scaling-group', 'web-asg'],
      initiator: ['bob', 'SetDesiredCapacity'],
    },
    {
      instanceId: null,
      eventName: 'SetDesiredCapacity',
      via: null,
      initiator: ['bob', 'SetDesiredCapacity'],
    },
    // The scale-in names no group: the instance's launch says which.
    {
      instanceId: 'i-0a00000000000a001',
      eventName: 'TerminateInstances',
      via: ['auto-scaling-group', 'web-asg'],
      initiator: ['bob', 'SetDesiredCapacity'],
    },
    // 2.5 h after bob's last change: automatic.
    {
      instanceId: 'i-0a00000000000a003',
      eventName: 'RunInstances',
      via: ['auto-scaling-group', 'web-asg'],
      initiator: null,
      reason: 'automatic',
    },
  ],
  cloudformation: [
    { instanceId: null, eventName: 'CreateStack', via: null, initiator: ['bob', 'CreateStack'] },
    {
      instanceId: 'i-0c00000000000c001',
      eventName: 'RunInstances',
      via: ['cloudformation-stack', 'app-svc-role'],
      initiator: ['bob', 'CreateStack'],
    },
    { instanceId: null, eventName: 'CreateStack', via: null, initiator: ['bob', 'CreateStack'] },
    // Without a service role CloudFormation calls with bob's own credentials.
    {
      instanceId: 'i-0c00000000000c002',
      eventName: 'RunInstances',
      via: ['cloudformation-stack', 'app-caller'],
      initiator: ['bob', 'RunInstances'],
    },
    { instanceId: null, eventName: 'DeleteStack', via: null, initiator: ['carol', 'DeleteStack'] },
    {
      instanceId: 'i-0c00000000000c001',
      eventName: 'TerminateInstances',
      via: ['cloudformation-stack', 'app-svc-role'],
      initiator: ['carol', 'DeleteStack'],
    },
  ],
  eks: [
    {
      instanceId: null,
      eventName: 'CreateNodegroup',
      via: null,
      initiator: ['alice@example.com', 'CreateNodegroup'],
    },
    {
      instanceId: null,
      eventName: 'CreateAutoScalingGroup',
      via: ['eks-nodegroup', 'prod/workers'],
      initiator: ['alice@example.com', 'CreateNodegroup'],
    },
    // Two hops: the launch names only its group; EKS created the group for the node group.
    {
      instanceId: 'i-0e00000000000e001',
      eventName: 'RunInstances',
      via: ['auto-scaling-group', 'eks-workers-5ac6a1b2-0000-1111-2222-333344445555'],
      initiator: ['alice@example.com', 'CreateNodegroup'],
      reason: 'through',
    },
  ],
  fleet: [
    { instanceId: null, eventName: 'RequestSpotFleet', via: null, initiator: ['bob', 'RequestSpotFleet'] },
    {
      instanceId: 'i-0f00000000000f001',
      eventName: 'RunInstances',
      via: ['spot-fleet', 'sfr-1a2b3c4d-5e6f-4a5b-8c7d-0123456789ab'],
      initiator: ['bob', 'RequestSpotFleet'],
    },
    { instanceId: null, eventName: 'CreateFleet', via: null, initiator: ['carol', 'CreateFleet'] },
    {
      instanceId: 'i-0f00000000000f002',
      eventName: 'RunInstances',
      via: ['ec2-fleet', 'fleet-0a1b2c3d-4e5f-4a6b-8c7d-9e8f7a6b5c4d'],
      initiator: ['carol', 'CreateFleet'],
    },
    // An instant fleet is a launch, by bob directly.
    {
      instanceId: 'i-0f00000000000f003',
      eventName: 'CreateFleet',
      via: null,
      initiator: ['bob', 'CreateFleet'],
    },
  ],
  karpenter: [
    {
      instanceId: 'i-0d00000000000d001',
      eventName: 'CreateFleet',
      via: ['karpenter-nodepool', 'default'],
      initiator: null,
      reason: 'Kubernetes',
    },
  ],
  outside: [
    {
      instanceId: 'i-0b00000000000b001',
      eventName: 'RunInstances',
      via: ['auto-scaling-group', 'legacy-asg'],
      initiator: null,
      reason: 'no recorded change to auto-scaling group legacy-asg',
    },
  ],
};

function sortExpected(list: readonly Expected[]) {
  return [...list].sort((a, b) =>
    `${a.eventName}|${a.instanceId}|${a.initiator}`.localeCompare(
      `${b.eventName}|${b.instanceId}|${b.initiator}`,
    ),
  );
}

describe.each(Object.keys(EXPECTED))('the %s trail', (scenario) => {
  it('names the person behind each service call, with the resource it acted for', async () => {
    const records = await resolveInMemory(scenarioFiles(scenario));
    const seen = records.map((r) => ({
      instanceId: r.instanceId,
      eventName: r.eventName,
      via: r.via ? [r.via.resourceType, r.via.resourceId] : null,
      initiator: r.initiator ? [r.initiator.name, r.initiator.eventName] : null,
      reason: r.initiatorReason,
    }));
    const expected = EXPECTED[scenario] ?? [];
    expect(seen).toHaveLength(expected.length);
    const sortedSeen = [...seen].sort((a, b) =>
      `${a.eventName}|${a.instanceId}|${a.initiator}`.localeCompare(
        `${b.eventName}|${b.instanceId}|${b.initiator}`,
      ),
    );
    sortExpected(expected).forEach((want, i) => {
      const got = sortedSeen[i];
      expect({
        instanceId: got?.instanceId,
        eventName: got?.eventName,
        via: got?.via,
        initiator: got?.initiator,
      }).toEqual({
        instanceId: want.instanceId,
        eventName: want.eventName,
        via: want.via,
        initiator: want.initiator,
      });
      if (want.reason) expect(got?.reason).toContain(want.reason);
    });
  });

  it('gives identical records in every file order', async () => {
    const files = scenarioFiles(scenario);
    const reference = JSON.stringify(byEvent(await resolveInMemory(files)));
    for (const order of permutations(files))
      expect(JSON.stringify(byEvent(await resolveInMemory(order)))).toBe(reference);
  });
});

describe('alerts about a service launch', () => {
  it('name the person behind it, in the text and in the initiator attribute', async () => {
    const records = await resolveInMemory(scenarioFiles('asg'));
    const launch = records.find((r) => r.instanceId === 'i-0a00000000000a002' && r.action === 'launch');
    if (!launch) throw new Error('fixture launch missing');
    const alert = renderAlert(
      [launch],
      [{ rule: 'instanceType', severity: 'critical', message: 'm5.large is not allowed' }],
    );
    // bob set the group's capacity 30 s before Auto Scaling launched (b-changes.json).
    expect(alert.subject).toContain('for web-asg (behind: bob)');
    expect(alert.attributes.initiator).toBe('bob');
    expect(alert.email).toMatch(/Behind: +bob/);

    const automatic = records.find((r) => r.instanceId === 'i-0a00000000000a003');
    if (!automatic) throw new Error('fixture launch missing');
    const alone = renderAlert([automatic], [{ rule: 'instanceType', severity: 'critical', message: 'x' }]);
    expect(alone.subject).toContain('no person known');
    expect(alone.attributes.initiator).toBe('unknown');
  });

  it('name a change by its call and the resource it changed', async () => {
    const records = await resolveInMemory(scenarioFiles('asg'));
    const create = records.find((r) => r.eventName === 'CreateAutoScalingGroup');
    if (!create) throw new Error('fixture change missing');
    // b-changes.json: alice creates web-asg in us-east-1.
    expect(headline([create])).toBe(
      'alice@example.com called CreateAutoScalingGroup on auto-scaling group web-asg in us-east-1',
    );
  });
});
