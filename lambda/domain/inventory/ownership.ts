/**
 * Who is behind a running instance, and how that is known: from its launch row, from the launch
 * record Event history or the trail holds, or at least from the service resource its tags name.
 * Pure: the CLI reads EC2, the table and CloudTrail, and asks this what they say.
 */

/** How a person (or a service resource) is known, in the order `owners` tries them. */
export const EVIDENCE = ['table', 'event-history', 'trail', 'tags'] as const;
export type Evidence = (typeof EVIDENCE)[number];

/** Why no person is known, each a different thing to do about it. */
export const UNKNOWN_REASONS = {
  /** Launched before Event history's 90 days, and no trail files were read for it. */
  'before-event-history': 'launched more than 90 days ago: pass --trail-bucket to read the trail',
  /** Within Event history's reach, yet it holds no launch of the instance. */
  'not-in-event-history': 'Event history holds no launch of it',
  /** A service launched it and no person is linked to the service's resource. */
  'service-no-person': 'launched by a service; no person is linked to it',
  /** The trail's files of its launch day were read and hold no launch of it. */
  'not-in-trail': "the trail's files of its launch day hold no launch of it",
  /** The trail's files could not be read. */
  'trail-unreadable': "the trail's files could not be read",
  /** Event history could not be read (no permission, or it kept refusing). */
  'event-history-unreadable': 'Event history could not be read',
  /** The launch was recorded, and its caller has no name or ARN. */
  'caller-unknown': 'the launch names no caller',
  /** Not looked up: the table knew nothing and the command was told to stay with it. */
  'not-looked-up': 'not in the table, and Event history was not asked',
} as const;
export type UnknownReason = keyof typeof UNKNOWN_REASONS;

/** What a launch says about its person: the fields a stored row and a fresh record share. */
export interface LaunchFacts {
  readonly actor: { readonly arn: string | null; readonly name: string | null };
  readonly via: {
    readonly service: string;
    readonly resourceType: string;
    readonly resourceId: string | null;
  } | null;
  readonly initiator: {
    readonly arn: string | null;
    readonly name: string | null;
    readonly verified?: boolean | null | undefined;
  } | null;
}

/** The person behind one instance, or why none is known. */
export interface Ownership {
  readonly person: string | null;
  /** False when the name is one its bearer chose (a role session name, say). */
  readonly personVerified: boolean | null;
  /** The service and resource that launched it (`autoscaling/web-asg`), when a service did. */
  readonly service: string | null;
  readonly evidence: Evidence | null;
  readonly reason: UnknownReason | null;
}

/**
 * The person behind a launch: the initiator when a service launched it for someone, else the
 * caller; a service's launch with no initiator has no person, only its service.
 */
export function ownershipOfLaunch(launch: LaunchFacts, evidence: Evidence): Ownership {
  const service = launch.via
    ? launch.via.resourceId
      ? `${launch.via.service}/${launch.via.resourceId}`
      : launch.via.service
    : null;
  const initiator = launch.initiator;
  if (initiator && (initiator.name ?? initiator.arn)) {
    return {
      person: initiator.name ?? initiator.arn,
      personVerified: initiator.verified ?? null,
      service,
      evidence,
      reason: null,
    };
  }
  if (launch.via)
    return { person: null, personVerified: null, service, evidence, reason: 'service-no-person' };
  const person = launch.actor.name ?? launch.actor.arn;
  if (person === null)
    return { person: null, personVerified: null, service, evidence, reason: 'caller-unknown' };
  return { person, personVerified: null, service, evidence, reason: null };
}

/** Tags that name the service resource behind an instance, most specific first. */
const SERVICE_TAGS: readonly (readonly [string, string])[] = [
  ['eks:nodegroup-name', 'eks-nodegroup'],
  ['karpenter.sh/nodepool', 'karpenter-nodepool'],
  ['aws:autoscaling:groupName', 'autoscaling'],
  ['aws:ec2spot:fleet-request-id', 'spot-fleet'],
  ['aws:ec2:fleet-id', 'ec2-fleet'],
  ['elasticbeanstalk:environment-name', 'elasticbeanstalk'],
  ['aws:elasticmapreduce:job-flow-id', 'emr'],
  ['aws:cloudformation:stack-name', 'cloudformation'],
];

/**
 * What an instance's own tags say: the person in ec2trail's owner tag (its key is the deploy's
 * `person` tag, `Owner` by default), else the service resource behind it. Null when neither.
 */
export function ownershipOfTags(
  tags: Readonly<Record<string, string>>,
  personTagKeys: readonly string[],
): Ownership | null {
  const service =
    SERVICE_TAGS.flatMap(([key, kind]) => (tags[key] ? [`${kind}/${tags[key]}`] : []))[0] ?? null;
  for (const key of personTagKeys) {
    const value = tags[key]?.trim();
    if (value)
      // Anyone who may tag the instance may write this tag: it is a claim, not a record.
      return { person: value, personVerified: false, service, evidence: 'tags', reason: null };
  }
  return service
    ? { person: null, personVerified: null, service, evidence: 'tags', reason: 'service-no-person' }
    : null;
}

/** How long Event history keeps management events. */
export const EVENT_HISTORY_DAYS = 90;

/**
 * Whether Event history can still hold the launch: the instance's original launch is within its
 * 90 days. `LaunchTime` moves at every start; the primary network interface's attachment time
 * stays that of the launch (DescribeInstances, `NetworkInterfaces[].Attachment.AttachTime` of
 * device index 0).
 */
export function withinEventHistory(originalLaunchMs: number, nowMs: number): boolean {
  return nowMs - originalLaunchMs <= EVENT_HISTORY_DAYS * 86_400_000;
}

/** The summary line's figures: running instances, how many with a person, by evidence and by reason. */
export interface Coverage {
  readonly instances: number;
  readonly withPerson: number;
  /** Whole percent, rounded down: 199 of 200 is 99 %, never 100 %. */
  readonly percent: number;
  readonly byEvidence: Readonly<Partial<Record<Evidence, number>>>;
  readonly unknownByReason: Readonly<Partial<Record<UnknownReason, number>>>;
}

export function coverageOf(owners: readonly Ownership[]): Coverage {
  const byEvidence: Partial<Record<Evidence, number>> = {};
  const unknownByReason: Partial<Record<UnknownReason, number>> = {};
  let withPerson = 0;
  for (const owner of owners) {
    if (owner.person !== null) {
      withPerson++;
      if (owner.evidence) byEvidence[owner.evidence] = (byEvidence[owner.evidence] ?? 0) + 1;
    } else if (owner.reason) unknownByReason[owner.reason] = (unknownByReason[owner.reason] ?? 0) + 1;
  }
  const instances = owners.length;
  return {
    instances,
    withPerson,
    percent: instances === 0 ? 100 : Math.floor((withPerson * 100) / instances),
    byEvidence,
    unknownByReason,
  };
}

/** The calls that show someone still uses an instance. */
export const TOUCHING_ACTIONS = ['start', 'stop', 'reboot', 'connect'] as const;

/**
 * Possibly forgotten: running for longer than `afterMs` since its original launch, and either
 * nobody started, stopped, rebooted or connected to it within that time, or nobody is known to
 * be behind it. `lastTouchMs` is the newest such call the table holds, null when none.
 */
export function isPossiblyForgotten(
  instance: {
    readonly state: string | null;
    readonly originalLaunchMs: number | null;
    readonly person: string | null;
  },
  lastTouchMs: number | null,
  nowMs: number,
  afterMs: number,
): boolean {
  if (instance.state !== 'running' || instance.originalLaunchMs === null) return false;
  if (nowMs - instance.originalLaunchMs <= afterMs) return false;
  const untouched = lastTouchMs === null || nowMs - lastTouchMs > afterMs;
  return untouched || instance.person === null;
}
