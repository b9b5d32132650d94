/** The lineage fields of a record: `via`, the initiator of a direct call, and the keys that link it. */

import type { Action } from '../actions';
import type { Actor } from '../identity';
import type { JsonObject } from '../json';
import type { AttributionRecord, Lineage } from '../record';
import { callerFacts, type Initiator, initiatorOf } from './link';
import { type Place, type ResourceRef, resourceKey } from './resources';
import type { ServiceCall } from './service-calls';
import { readTags, resourcesInTags, serviceBehind, type Via, viaOf } from './via';

export interface LineageInput {
  readonly event: JsonObject;
  readonly action: Action;
  readonly failed: boolean;
  readonly errorCode: string | null;
  readonly actor: Actor;
  readonly userAgent: string | null;
  readonly place: Place;
  readonly eventId: string | null;
  readonly eventName: string;
  readonly eventTime: string | null;
  readonly serviceCall: ServiceCall | null;
  /** A launch's tags (response first); null for other calls, whose request tags are read. */
  readonly launchTags: Readonly<Record<string, string>> | null;
}

export interface LineageFields {
  readonly via: Via | null;
  readonly initiator: Initiator | null;
  readonly initiatorReason: string | null;
  readonly lineage: Lineage;
}

const sameRef = (a: ResourceRef, b: ResourceRef) => a.type === b.type && a.id === b.id;

/** Calls on an instance that a service may make for a resource: the effects the linking rule explains. */
const INSTANCE_ACTIONS: ReadonlySet<Action> = new Set(['start', 'stop', 'terminate', 'reboot']);

export function lineageOf(input: LineageInput): LineageFields {
  const { actor, event, place } = input;
  const service = serviceBehind(actor, input.userAgent);
  const tags = input.launchTags ?? readTags(event.requestParameters);
  const tagRefs = resourcesInTags(tags);
  const dryRun = input.action === 'launch' && /DryRunOperation/.test(input.errorCode ?? '');
  // A failed change caused nothing; Auto Scaling's dry run with a person's credentials is their change.
  const changed: ResourceRef[] =
    input.serviceCall && !input.failed
      ? input.serviceCall.refs(event.requestParameters, event.responseElements)
      : dryRun && service
        ? tagRefs.slice(0, 1)
        : [];
  const actsForRefs = tagRefs.filter((ref) => !changed.some((c) => sameRef(c, ref)));
  const via = service ? viaOf(service, [...tagRefs, ...changed]) : null;
  const byPerson = service === null || actor.kind === 'person' || actor.kind === 'root';
  const lineage: Lineage = {
    changes: [...new Set(changed.map((ref) => resourceKey(ref, place)))],
    actsFor: [...new Set(actsForRefs.map((ref) => resourceKey(ref, place)))],
    byPerson,
    unresolved: !byPerson,
    linkSort: null,
  };
  if (!byPerson) {
    return { via, initiator: null, initiatorReason: 'not linked yet', lineage };
  }
  const own = changed[0] ?? (via?.resourceId ? { type: via.resourceType, id: via.resourceId } : null);
  const initiator = initiatorOf(callerFacts(actor), {
    eventId: input.eventId,
    eventName: input.eventName,
    eventTime: input.eventTime,
    resourceType: own?.type ?? null,
    resourceId: own?.id ?? null,
  });
  return {
    via,
    initiator,
    initiatorReason: service ? `${actor.name ?? 'the caller'} made the call through ${service}` : null,
    lineage,
  };
}

/**
 * The lineage of one instance's record: a service's stop or terminate names no group, so the
 * instance itself is a key (its launch row, and `TerminateInstanceInAutoScalingGroup`, say which).
 */
export function forInstance(
  fields: LineageFields,
  action: Action,
  instanceId: string | null,
  place: Place,
): LineageFields {
  if (fields.lineage.byPerson || instanceId === null || !INSTANCE_ACTIONS.has(action)) return fields;
  const key = resourceKey({ type: 'instance', id: instanceId }, place);
  return { ...fields, lineage: { ...fields.lineage, actsFor: [...fields.lineage.actsFor, key] } };
}

/** What the effect is called in reasons. */
export function effectNoun(record: Pick<AttributionRecord, 'action' | 'eventName'>): string {
  if (record.action === 'launch') return 'launch';
  if (record.action === 'terminate') return 'termination';
  if (record.action === 'stop') return 'stop';
  return record.eventName;
}
