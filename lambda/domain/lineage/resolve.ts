/** Linking records: causes from their changes, initiators for the calls services made. */

import { ACTION_VERBS } from '../actions';
import type { AttributionRecord, Lineage } from '../record';
import {
  type CauseEntry,
  CauseIndex,
  type CauseSource,
  callerFacts,
  type Initiator,
  type LinkResult,
  resolveLink,
} from './link';
import { effectNoun } from './record-lineage';
import { describeResource } from './resources';
import { serviceCallFor, windowOf } from './service-calls';
import type { Via } from './via';

/** What an instance's launch said about the service behind it. */
export interface LaunchLineage {
  readonly via: Via | null;
  readonly actsFor: readonly string[];
}

/** Where the resolver reads causes and, for a service's stop or terminate, the instance's launch. */
export interface LineageSource extends CauseSource {
  launchOf(instanceId: string): Promise<LaunchLineage | null>;
}

function epochMs(time: string | null): number | null {
  if (time === null) return null;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? null : ms;
}

/** The sort of a cause: its time, then its event, as the table orders them. */
export function causeSort(record: Pick<AttributionRecord, 'eventTime' | 'eventKey'>): string {
  const ms = epochMs(record.eventTime);
  return `${ms === null ? 'unknown-time' : new Date(ms).toISOString()}#${record.eventKey}`;
}

/** One entry per resource a successful watched change touched; none for other records. */
export function causeEntriesOf(record: AttributionRecord): CauseEntry[] {
  const timeMs = epochMs(record.eventTime);
  if (timeMs === null || record.lineage.changes.length === 0) return [];
  const call = serviceCallFor(record.eventSource, record.eventName);
  const verb =
    call?.verb ?? (record.action === 'launch' ? 'checked a launch for' : ACTION_VERBS[record.action]);
  return record.lineage.changes.map((key) => ({
    key,
    sort: causeSort(record),
    timeMs,
    eventId: record.eventId,
    eventName: record.eventName,
    eventTime: record.eventTime,
    verb,
    actor: callerFacts(record.actor),
    byPerson: record.lineage.byPerson,
    actsFor: record.lineage.actsFor,
    windowMs: windowOf(record.eventSource, record.eventName),
  }));
}

const INSTANCE_CALLS = new Set(['start', 'stop', 'terminate', 'reboot']);

/** What the linking rule reads of a call: a record, or an effect remembered in the table. */
export interface LinkSubject {
  readonly action: AttributionRecord['action'];
  readonly eventName: string;
  readonly eventTime: string | null;
  readonly instanceId: string | null;
  readonly via: Via | null;
  readonly lineage: Pick<Lineage, 'actsFor'>;
}

/** The lineage fields a link decides. */
export interface LinkFields {
  readonly via: Via | null;
  readonly initiator: Initiator | null;
  readonly initiatorReason: string;
  readonly actsFor: readonly string[];
  readonly linkSort: string | null;
}

/** The record's keys and via, completed from its instance's launch (a service's stop or terminate names no group). */
async function completed(
  record: LinkSubject,
  source: LineageSource,
): Promise<{ via: Via | null; actsFor: readonly string[] }> {
  const { via } = record;
  if (record.instanceId === null || !INSTANCE_CALLS.has(record.action))
    return { via, actsFor: record.lineage.actsFor };
  const launch = await source.launchOf(record.instanceId);
  if (launch === null) return { via, actsFor: record.lineage.actsFor };
  const actsFor = [...new Set([...record.lineage.actsFor, ...launch.actsFor])];
  const named = launch.via?.resourceId ? launch.via : null;
  return {
    actsFor,
    via:
      via && via.resourceId === null && named
        ? { ...via, resourceType: named.resourceType, resourceId: named.resourceId }
        : via,
  };
}

/** What Karpenter's launches say instead of a person: the cause is inside Kubernetes. */
function karpenterReason(via: Via | null, result: LinkResult): string {
  if (via?.service !== 'karpenter.sh' || result.initiator !== null || result.linkSort !== null)
    return result.reason;
  return `Karpenter launches for Kubernetes (${describeResource(via.resourceType, via.resourceId)}); the person whose workload asked for it is not in CloudTrail`;
}

/** Who is behind one service call, from what `source` knows now. */
export async function linkOf(record: LinkSubject, source: LineageSource): Promise<LinkFields> {
  const { via, actsFor } = await completed(record, source);
  const result = await resolveLink(
    {
      timeMs: epochMs(record.eventTime),
      actsFor,
      noun: effectNoun(record),
      resource: via ? describeResource(via.resourceType, via.resourceId) : 'resource',
    },
    source,
  );
  return {
    via,
    initiator: result.initiator,
    initiatorReason: karpenterReason(via, result),
    actsFor,
    linkSort: result.linkSort,
  };
}

/** A record with the link fields applied. */
export function withLink(record: AttributionRecord, link: LinkFields): AttributionRecord {
  return {
    ...record,
    via: link.via,
    initiator: link.initiator,
    initiatorReason: link.initiatorReason,
    lineage: { ...record.lineage, actsFor: link.actsFor, unresolved: false, linkSort: link.linkSort },
  };
}

/** A record with its initiator resolved; records that need no link come back as they are. */
export async function resolveRecord(
  record: AttributionRecord,
  source: LineageSource,
): Promise<AttributionRecord> {
  if (!record.lineage.unresolved) {
    // A person's stop or terminate through a service with their own credentials (CloudFormation's
    // forward access sessions): the person is known, but the stack is only on the launch row.
    if (
      record.lineage.byPerson &&
      record.via !== null &&
      record.via.resourceId === null &&
      record.instanceId !== null &&
      INSTANCE_CALLS.has(record.action)
    ) {
      const { via } = await completed(record, source);
      if (via !== record.via && via) {
        const initiator =
          record.initiator && record.initiator.resourceId === null
            ? { ...record.initiator, resourceType: via.resourceType, resourceId: via.resourceId }
            : record.initiator;
        return { ...record, via, initiator };
      }
    }
    return record;
  }
  return withLink(record, await linkOf(record, source));
}

/** Everything one run has read, in memory: `inspect` resolves across all its inputs in any order. */
export class MemoryLineage implements LineageSource {
  private readonly causes = new CauseIndex();
  private readonly launches = new Map<string, LaunchLineage>();

  /** Remembers what a record tells later links: its causes, and a service launch's keys. */
  add(record: AttributionRecord): void {
    for (const entry of causeEntriesOf(record)) this.causes.add(entry);
    if (
      record.action === 'launch' &&
      record.instanceId !== null &&
      record.outcome === 'success' &&
      record.via
    )
      this.launches.set(record.instanceId, { via: record.via, actsFor: record.lineage.actsFor });
  }

  latest(keys: readonly string[], atMs: number): Promise<CauseEntry | null> {
    return this.causes.latest(keys, atMs);
  }

  async launchOf(instanceId: string): Promise<LaunchLineage | null> {
    return this.launches.get(instanceId) ?? null;
  }
}
