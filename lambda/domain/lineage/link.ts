/**
 * The linking rule (README: "Who is behind the service"): a service's launch or termination is
 * caused by the latest watched change, at or before it, to a resource it acted for; when that
 * change is itself a service's step, its own cause is followed, up to three hops. A change
 * explains effects only within its window; after that the service acted on its own (a scaling
 * policy, a scheduled action, a health-check replacement, a Spot interruption) and no person is
 * named.
 */

import { type Actor, type ActorKind, mfaKnowable, personProof } from '../identity';
import { quotaSubject } from '../policy/quota';
import { describeResource, type ResourceType, refOfKey } from './resources';

/**
 * What the policy's rules about people read of a caller, kept with every cause so that a service's
 * launch can be judged by the person behind it exactly as their own call would be.
 */
export interface CallerFacts {
  readonly arn: string | null;
  readonly name: string | null;
  readonly kind: ActorKind;
  /** Who a launch counts against in `launchQuota`: the same person whether they call or a service does. */
  readonly quotaSubject: string | null;
  readonly viaConsole: boolean | null;
  readonly mfaAuthenticated: boolean | null;
  /** Whether `mfaAuthenticated` can be judged (IAM users and root); null for causes stored before. */
  readonly mfaKnown: boolean | null;
  /**
   * Whether the name is a verified person's (IAM, or an identity provider) rather than one the
   * caller chose; null for non-persons and for causes stored before this was kept.
   */
  readonly verified: boolean | null;
}

/**
 * False for a person whose name is a claim, or whose proof was not kept (causes stored before);
 * true for a verified person and for callers that are not persons (a service, a role), whose
 * names IAM sets.
 */
export function isVerifiedPerson(facts: Pick<CallerFacts, 'kind' | 'verified'>): boolean {
  if (facts.verified !== null) return facts.verified;
  return facts.kind !== 'person';
}

export function callerFacts(actor: Actor): CallerFacts {
  return {
    arn: actor.arn,
    name: actor.name,
    kind: actor.kind,
    quotaSubject: quotaSubject(actor),
    viaConsole: actor.viaConsole,
    mfaAuthenticated: actor.mfaAuthenticated,
    mfaKnown: mfaKnowable(actor),
    verified: personProof(actor)?.verified ?? null,
  };
}

/** The person (or non-service principal) whose call caused this one. */
export interface Initiator extends CallerFacts {
  readonly eventId: string | null;
  readonly eventName: string;
  readonly eventTime: string | null;
  /** What the initiator's call changed; null for a direct call. */
  readonly resourceType: ResourceType | null;
  readonly resourceId: string | null;
}

/** The call an initiator made, besides who they are. */
type InitiatorCall = Omit<Initiator, keyof CallerFacts>;

/**
 * An initiator, written out field by field: building it with object spread made every record
 * cost twice as much to attribute (`npm run bench`, core per event 8.3 µs against 4.2 µs).
 */
export function initiatorOf(caller: CallerFacts, call: InitiatorCall): Initiator {
  return {
    arn: caller.arn,
    name: caller.name,
    kind: caller.kind,
    quotaSubject: caller.quotaSubject,
    viaConsole: caller.viaConsole,
    mfaAuthenticated: caller.mfaAuthenticated,
    mfaKnown: caller.mfaKnown,
    verified: caller.verified,
    eventId: call.eventId,
    eventName: call.eventName,
    eventTime: call.eventTime,
    resourceType: call.resourceType,
    resourceId: call.resourceId,
  };
}

/** A recorded change to one resource, as the linking rule reads it. */
export interface CauseEntry {
  readonly key: string;
  /** `<ISO time>#<eventKey>`: the order of causes, ties broken by event. */
  readonly sort: string;
  readonly timeMs: number;
  readonly eventId: string | null;
  readonly eventName: string;
  readonly eventTime: string | null;
  readonly verb: string;
  readonly actor: CallerFacts;
  /** False for a service's own step (EKS creating the group of a node group). */
  readonly byPerson: boolean;
  /** For a service's step: the resources whose changes may explain it. */
  readonly actsFor: readonly string[];
  readonly windowMs: number;
}

/**
 * Where the linking rule finds causes: the latest on any of `keys` at or before `atMs` (same
 * second included: CloudTrail times have whole seconds), ties broken by `sort`.
 */
export interface CauseSource {
  latest(keys: readonly string[], atMs: number): Promise<CauseEntry | null>;
}

export interface LinkResult {
  readonly initiator: Initiator | null;
  readonly reason: string;
  /** The sort of the first cause found, which later fill-ins compare against; null when none. */
  readonly linkSort: string | null;
}

export interface Effect {
  readonly timeMs: number | null;
  readonly actsFor: readonly string[];
  /** What the effect is, for reasons ("this launch"). */
  readonly noun: string;
  /** The resource named in reasons when there is no cause. */
  readonly resource: string;
}

const MAX_HOPS = 3;

/**
 * How the reason of an automatic scale event begins: the policy's `serviceLaunches` rule tells
 * automatic launches from launches whose cause is unknown by it, also on rows stored long ago.
 */
export const AUTOMATIC_REASON = 'automatic: ';

export function isAutomatic(reason: string | null): boolean {
  return reason?.startsWith(AUTOMATIC_REASON) === true;
}

function ago(ms: number): string {
  if (ms < 90_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 90 * 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}

function hhmm(time: string | null): string {
  return time && time.length >= 16 ? `${time.slice(0, 10)} ${time.slice(11, 16)} UTC` : 'an unknown time';
}

function onResource(cause: CauseEntry): string {
  const ref = refOfKey(cause.key);
  return ref ? describeResource(ref.type, ref.id) : cause.key;
}

/** "alice set the capacity of auto-scaling group web-asg (SetDesiredCapacity at 2026-03-02 10:02 UTC)". */
export function describeCause(cause: CauseEntry): string {
  return `${cause.actor.name ?? cause.actor.arn ?? 'an unnamed caller'} ${cause.verb} ${onResource(cause)} (${cause.eventName} at ${hhmm(cause.eventTime)})`;
}

/** Resolves who caused `effect`, reading causes from `source`. */
export async function resolveLink(effect: Effect, source: CauseSource): Promise<LinkResult> {
  if (effect.timeMs === null) {
    return {
      initiator: null,
      reason: 'the event time is unknown, so no change can be placed before it',
      linkSort: null,
    };
  }
  if (effect.actsFor.length === 0) {
    return {
      initiator: null,
      reason: `the record does not say which ${effect.resource} the service acted for`,
      linkSort: null,
    };
  }
  let first: string | null = null;
  let keys = effect.actsFor;
  let timeMs = effect.timeMs;
  const steps: string[] = [];
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const cause = await source.latest(keys, timeMs);
    if (cause === null) {
      const what = hop === 0 ? effect.resource : steps.join(', after ');
      return {
        initiator: null,
        reason:
          hop === 0
            ? `no recorded change to ${what} before this ${effect.noun}`
            : `no recorded change by a person before ${what}`,
        linkSort: first,
      };
    }
    first ??= cause.sort;
    const gap = timeMs - cause.timeMs;
    if (gap > cause.windowMs) {
      return {
        initiator: null,
        reason: `${AUTOMATIC_REASON}the latest recorded change, ${describeCause(cause)}, is ${ago(gap)} earlier, beyond its ${ago(cause.windowMs)} window; a scaling policy, schedule, health-check replacement or Spot interruption acts on its own`,
        linkSort: first,
      };
    }
    if (cause.byPerson) {
      const ref = refOfKey(cause.key);
      const chain = steps.length > 0 ? `, through ${steps.join(', after ')}` : '';
      return {
        initiator: initiatorOf(cause.actor, {
          eventId: cause.eventId,
          eventName: cause.eventName,
          eventTime: cause.eventTime,
          resourceType: ref?.type ?? null,
          resourceId: ref?.id ?? null,
        }),
        reason: `${describeCause(cause)}, ${ago(gap)} before${chain}`,
        linkSort: first,
      };
    }
    steps.push(describeCause(cause));
    if (cause.actsFor.length === 0) {
      return {
        initiator: null,
        reason: `${describeCause(cause)} names nothing it acted for`,
        linkSort: first,
      };
    }
    keys = cause.actsFor;
    timeMs = cause.timeMs;
  }
  return {
    initiator: null,
    reason: `more than ${MAX_HOPS} service steps: ${steps.join(', after ')}`,
    linkSort: first,
  };
}

/** Whether cause `a` comes after `b`: by time, then by sort (the same order the table keeps). */
export function isLater(a: CauseEntry, b: CauseEntry): boolean {
  return a.timeMs > b.timeMs || (a.timeMs === b.timeMs && a.sort > b.sort);
}

/** An in-memory cause source: every cause of a set of records, for `inspect` and tests. */
export class CauseIndex implements CauseSource {
  private readonly byKey = new Map<string, CauseEntry[]>();
  private sorted = true;

  add(entry: CauseEntry): void {
    const list = this.byKey.get(entry.key) ?? [];
    if (list.some((e) => e.sort === entry.sort)) return;
    list.push(entry);
    this.byKey.set(entry.key, list);
    this.sorted = false;
  }

  async latest(keys: readonly string[], atMs: number): Promise<CauseEntry | null> {
    if (!this.sorted) {
      for (const list of this.byKey.values())
        list.sort((a, b) => a.timeMs - b.timeMs || (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0));
      this.sorted = true;
    }
    let best: CauseEntry | null = null;
    for (const key of keys) {
      const list = this.byKey.get(key);
      if (!list) continue;
      // The last entry at or before `sort` (lists are short: the changes to one resource).
      for (let i = list.length - 1; i >= 0; i--) {
        const entry = list[i];
        if (entry && entry.timeMs <= atMs) {
          if (best === null || isLater(entry, best)) best = entry;
          break;
        }
      }
    }
    return best;
  }
}
