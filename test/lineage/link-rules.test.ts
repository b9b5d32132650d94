/**
 * The linking rule, case by case (README: "Who is behind the service"). Each case is a set of
 * recorded changes and one effect; the expected person is read off the case, not computed.
 */
import { type CauseEntry, CauseIndex, resolveLink } from '../../lambda/domain/lineage/link';

function serviceActor(name: string): CauseEntry['actor'] {
  return {
    arn: null,
    name,
    kind: 'service',
    quotaSubject: `service:${name}`,
    viaConsole: null,
    mfaAuthenticated: null,
    mfaKnown: null,
    verified: null,
  };
}

const ASG = 'auto-scaling-group|111122223333|us-east-1|web-asg';
const NODEGROUP = 'eks-nodegroup|111122223333|us-east-1|prod/workers';
const STACK = 'cloudformation-stack|111122223333|us-east-1|app';
const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-02T10:00:00Z');

function change(key: string, atMs: number, who: string, extra: Partial<CauseEntry> = {}): CauseEntry {
  const time = new Date(atMs).toISOString();
  return {
    key,
    sort: `${time}#${who}-${atMs}`,
    timeMs: atMs,
    eventId: `${who}-${atMs}`,
    eventName: 'SetDesiredCapacity',
    eventTime: time,
    verb: 'set the capacity of',
    actor: {
      arn: null,
      name: who,
      kind: 'person',
      quotaSubject: `name:${who}`,
      viaConsole: null,
      mfaAuthenticated: null,
      mfaKnown: null,
      verified: null,
    },
    byPerson: true,
    actsFor: [],
    windowMs: HOUR,
    ...extra,
  };
}

interface Case {
  readonly name: string;
  readonly changes: readonly CauseEntry[];
  readonly effect: { readonly atMs: number | null; readonly actsFor: readonly string[] };
  readonly initiator: string | null;
  readonly reason: RegExp;
}

const CASES: readonly Case[] = [
  {
    name: 'the latest change before the effect wins',
    changes: [change(ASG, T0, 'alice'), change(ASG, T0 + 60_000, 'bob')],
    effect: { atMs: T0 + 90_000, actsFor: [ASG] },
    initiator: 'bob',
    reason: /bob set the capacity of auto-scaling group web-asg .*30 s before/,
  },
  {
    name: 'a change after the effect is not its cause',
    changes: [change(ASG, T0, 'alice'), change(ASG, T0 + 120_000, 'bob')],
    effect: { atMs: T0 + 60_000, actsFor: [ASG] },
    initiator: 'alice',
    reason: /alice/,
  },
  {
    name: 'a change in the same second counts (CloudTrail times have whole seconds)',
    changes: [change(ASG, T0, 'alice')],
    effect: { atMs: T0, actsFor: [ASG] },
    initiator: 'alice',
    reason: /0 s before/,
  },
  {
    name: 'beyond its window a change explains nothing: automatic',
    changes: [change(ASG, T0, 'alice')],
    effect: { atMs: T0 + HOUR + 1_000, actsFor: [ASG] },
    initiator: null,
    reason: /^automatic: .*alice.*60 min window/,
  },
  {
    name: 'the reason says how long before the latest change was, in hours past 90 minutes',
    changes: [change(ASG, T0, 'alice')],
    effect: { atMs: T0 + 3 * HOUR, actsFor: [ASG] },
    initiator: null,
    reason: /, is 3 h earlier, beyond its 60 min window/,
  },
  {
    name: 'in minutes between 90 s and 90 minutes',
    changes: [change(ASG, T0, 'alice')],
    effect: { atMs: T0 + 5 * 60_000, actsFor: [ASG] },
    initiator: 'alice',
    reason: /, 5 min before$/,
  },
  {
    name: 'more than three service steps are not followed',
    changes: [
      change('a', T0, 'svc', {
        byPerson: false,
        actsFor: ['b'],
        actor: serviceActor('svc'),
      }),
      change('b', T0 - 1_000, 'svc', {
        byPerson: false,
        actsFor: ['c'],
        actor: serviceActor('svc'),
      }),
      change('c', T0 - 2_000, 'svc', {
        byPerson: false,
        actsFor: ['d'],
        actor: serviceActor('svc'),
      }),
      change('d', T0 - 3_000, 'alice'),
    ],
    effect: { atMs: T0 + 1_000, actsFor: ['a'] },
    initiator: null,
    reason: /^more than 3 service steps/,
  },
  {
    name: 'three service steps are followed',
    changes: [
      change('a', T0, 'svc', {
        byPerson: false,
        actsFor: ['b'],
        actor: serviceActor('svc'),
      }),
      change('b', T0 - 1_000, 'svc', {
        byPerson: false,
        actsFor: ['c'],
        actor: serviceActor('svc'),
      }),
      change('c', T0 - 2_000, 'alice'),
    ],
    effect: { atMs: T0 + 1_000, actsFor: ['a'] },
    initiator: 'alice',
    reason: /alice/,
  },
  {
    name: 'at the edge of its window a change still explains',
    changes: [change(ASG, T0, 'alice')],
    effect: { atMs: T0 + HOUR, actsFor: [ASG] },
    initiator: 'alice',
    reason: /alice/,
  },
  {
    name: 'the latest change across every resource the effect acted for',
    changes: [change(STACK, T0, 'carol', { windowMs: 2 * HOUR }), change(ASG, T0 + 60_000, 'bob')],
    effect: { atMs: T0 + 120_000, actsFor: [ASG, STACK] },
    initiator: 'bob',
    reason: /bob/,
  },
  {
    name: "a service's own step is followed to the person behind it",
    changes: [
      change(NODEGROUP, T0, 'alice', { eventName: 'CreateNodegroup', verb: 'created' }),
      change(ASG, T0 + 60_000, 'eks-nodegroup.amazonaws.com', {
        byPerson: false,
        actor: serviceActor('eks-nodegroup.amazonaws.com'),
        actsFor: [NODEGROUP],
        eventName: 'CreateAutoScalingGroup',
        verb: 'created',
      }),
    ],
    effect: { atMs: T0 + 120_000, actsFor: [ASG] },
    initiator: 'alice',
    reason: /alice created EKS node group prod\/workers.*through eks-nodegroup\.amazonaws\.com created/,
  },
  {
    name: "a service's step with no person behind it names nobody",
    changes: [
      change(ASG, T0, 'eks-nodegroup.amazonaws.com', {
        byPerson: false,
        actor: serviceActor('eks-nodegroup.amazonaws.com'),
        actsFor: [NODEGROUP],
      }),
    ],
    effect: { atMs: T0 + 60_000, actsFor: [ASG] },
    initiator: null,
    reason: /no recorded change by a person before/,
  },
  {
    name: 'no recorded change: nobody, and the resource is named',
    changes: [],
    effect: { atMs: T0, actsFor: [ASG] },
    initiator: null,
    reason: /no recorded change to auto-scaling group web-asg before this launch/,
  },
  {
    name: 'an effect that names no resource cannot be linked',
    changes: [change(ASG, T0, 'alice')],
    effect: { atMs: T0 + 1_000, actsFor: [] },
    initiator: null,
    reason: /does not say which/,
  },
  {
    name: 'an effect without a time cannot be placed after any change',
    changes: [change(ASG, T0, 'alice')],
    effect: { atMs: null, actsFor: [ASG] },
    initiator: null,
    reason: /time is unknown/,
  },
];

describe.each(CASES)('the linking rule: $name', ({ changes, effect, initiator, reason }) => {
  it.each([
    ['in the order given', changes],
    ['in reverse order', [...changes].reverse()],
  ])('links %s', async (_order, list) => {
    const index = new CauseIndex();
    for (const entry of list) index.add(entry);
    const result = await resolveLink(
      {
        timeMs: effect.atMs,
        actsFor: effect.actsFor,
        noun: 'launch',
        resource: 'auto-scaling group web-asg',
      },
      index,
    );
    expect(result.initiator?.name ?? null).toBe(initiator);
    expect(result.reason).toMatch(reason);
  });
});
