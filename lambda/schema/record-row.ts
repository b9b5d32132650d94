/**
 * A stored row read back as the record it was, for the function's own lookups. The rows are the
 * table's own, written by `toItem`; they are read with the core's tolerant readers (absent or
 * mistyped fields become null) rather than a schema library, which would cost the function's
 * bundle and cold start more than the whole reader.
 */

import type { AttributionRecord } from '../domain';
import { isAction } from '../domain/actions';
import {
  ACTOR_KINDS,
  type Actor,
  type ActorKind,
  IDENTITY_TYPES,
  type IdentityType,
} from '../domain/identity';
import { isObject, prop } from '../domain/json';
import type { CallerFacts, Initiator } from '../domain/lineage/link';
import { RESOURCE_TYPES, type ResourceType } from '../domain/lineage/resources';
import type { Via } from '../domain/lineage/via';
import type { Lineage } from '../domain/record';
import { TOOLS, type Tool } from '../domain/user-agent';
import { ATTRIBUTION_TABLE, NO_INSTANCE_PREFIX, personKeyOf, TRAIL_PREFIX } from './attribution-table';
import { shardOf } from './index-shards';
import { restoreRow } from './row-codec';

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function flag(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

function oneOf<T extends string>(list: readonly T[], value: unknown, fallback: T): T {
  return list.find((entry) => entry === value) ?? fallback;
}

/**
 * A stored row of a stop, terminate or other non-launch call as its record again, for an alert
 * about an earlier event; null for a launch row (its tags travel in `HistoryEntry.tags`) or a row
 * that is not an attribution row.
 */
export function recordOfRow(stored: unknown): AttributionRecord | null {
  if (!isObject(stored)) return null;
  const item = restoreRow(stored);
  const { instanceId, eventKey, eventName, action, outcome } = item;
  if (typeof instanceId !== 'string' || typeof eventKey !== 'string' || typeof eventName !== 'string')
    return null;
  if (typeof action !== 'string' || !isAction(action) || action === 'launch') return null;
  if (outcome !== 'success' && outcome !== 'failed') return null;
  const actor = item.actor;
  const source = item.source;
  const state = item.instanceState;
  const noInstance = instanceId.startsWith(NO_INSTANCE_PREFIX) || instanceId.startsWith(TRAIL_PREFIX);
  return {
    eventId: text(item.eventId),
    eventKey,
    eventTime: text(item.eventTime),
    eventName,
    eventSource: text(item.eventSource) ?? '',
    action,
    account: text(item.account),
    region: text(item.region),
    instanceId: noInstance ? null : instanceId,
    trail: text(item.trail),
    outcome,
    errorCode: text(item.errorCode),
    errorMessage: text(item.errorMessage),
    requestId: text(item.requestId),
    actor: {
      type: oneOf<IdentityType>(IDENTITY_TYPES, prop(actor, 'type'), 'Unknown'),
      kind: oneOf<ActorKind>(ACTOR_KINDS, prop(actor, 'kind'), 'unknown'),
      arn: text(prop(actor, 'arn')),
      name: text(prop(actor, 'name')),
      accountId: text(prop(actor, 'accountId')),
      principalId: text(prop(actor, 'principalId')),
      userName: text(prop(actor, 'userName')),
      roleArn: text(prop(actor, 'roleArn')),
      roleName: text(prop(actor, 'roleName')),
      sessionName: text(prop(actor, 'sessionName')),
      sourceIdentity: text(prop(actor, 'sourceIdentity')),
      identityStoreUserId: text(prop(actor, 'identityStoreUserId')),
      federatedProvider: text(prop(actor, 'federatedProvider')),
      invokedBy: text(prop(actor, 'invokedBy')),
      mfaAuthenticated: flag(prop(actor, 'mfaAuthenticated')),
      viaConsole: flag(prop(actor, 'viaConsole')),
    },
    source: {
      ip: text(prop(source, 'ip')),
      userAgent: text(prop(source, 'userAgent')),
      tool: oneOf<Tool>(TOOLS, prop(source, 'tool'), 'unknown'),
      sdkLanguage: text(prop(source, 'sdkLanguage')),
    },
    launch: null,
    instanceState: isObject(state) ? { previous: text(state.previous), current: text(state.current) } : null,
    via: viaOfRow(item.via),
    initiator: initiatorOfRow(item.initiator),
    initiatorReason: text(item.initiatorReason),
    lineage: lineageOfRow(item.lineage),
    warnings: Array.isArray(item.warnings)
      ? item.warnings.filter((w): w is string => typeof w === 'string')
      : [],
  };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function viaOfRow(value: unknown): Via | null {
  const service = text(prop(value, 'service'));
  if (service === null) return null;
  return {
    service,
    resourceType: oneOf<ResourceType>(RESOURCE_TYPES, prop(value, 'resourceType'), 'other'),
    resourceId: text(prop(value, 'resourceId')),
  };
}

/** A caller kept with a cause or an initiator; items written before these facts read as unknown. */
export function callerFactsOfRow(value: unknown): CallerFacts {
  return {
    arn: text(prop(value, 'arn')),
    name: text(prop(value, 'name')),
    kind: oneOf<ActorKind>(ACTOR_KINDS, prop(value, 'kind'), 'unknown'),
    quotaSubject: text(prop(value, 'quotaSubject')),
    viaConsole: flag(prop(value, 'viaConsole')),
    mfaAuthenticated: flag(prop(value, 'mfaAuthenticated')),
    mfaKnown: flag(prop(value, 'mfaKnown')),
    verified: flag(prop(value, 'verified')),
  };
}

export function initiatorOfRow(value: unknown): Initiator | null {
  if (!isObject(value)) return null;
  const type = prop(value, 'resourceType');
  return {
    ...callerFactsOfRow(value),
    eventId: text(value.eventId),
    eventName: text(value.eventName) ?? '',
    eventTime: text(value.eventTime),
    resourceType:
      type === null || type === undefined ? null : oneOf<ResourceType>(RESOURCE_TYPES, type, 'other'),
    resourceId: text(value.resourceId),
  };
}

/** A row written before services were followed reads as a direct call's lineage. */
export function lineageOfRow(value: unknown): Lineage {
  return {
    changes: strings(prop(value, 'changes')),
    actsFor: strings(prop(value, 'actsFor')),
    byPerson: flag(prop(value, 'byPerson')) ?? true,
    unresolved: flag(prop(value, 'unresolved')) ?? false,
    linkSort: text(prop(value, 'linkSort')),
  };
}

/**
 * The `byPerson` key a stored row has or would have (by the rule the function writes with), from
 * its own fields: for the migration, and to read a legacy index the way `byPerson` answers.
 */
export function personKeyOfItem(stored: Record<string, unknown>): string | undefined {
  const item = restoreRow(stored);
  const actor = item.actor;
  return personKeyOf(
    {
      via: viaOfRow(item.via),
      initiator: initiatorOfRow(item.initiator),
      lineage: lineageOfRow(item.lineage),
      actor: { name: text(prop(actor, 'name')), arn: text(prop(actor, 'arn')) } as Actor,
    },
    shardOf(String(item[ATTRIBUTION_TABLE.partitionKey]), String(item[ATTRIBUTION_TABLE.sortKey])),
  );
}
