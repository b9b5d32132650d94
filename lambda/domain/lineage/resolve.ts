/** Linking records: causes from their changes, initiators for the calls services made. */

import { ACTION_VERBS } from '../actions';
import type { AttributionRecord } from '../record';
import { type CauseEntry, CauseIndex, type CauseSource, type LinkResult, resolveLink } from './link';
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
    actor: { arn: record.actor.arn, name: record.actor.name, kind: record.actor.kind },
    byPerson: record.lineage.byPerson,
    actsFor: record.lineage.actsFor,
    windowMs: windowOf(record.eventSource, record.eventName),
  }));
}

const INSTANCE_CALLS = new Set(['start', 'stop', 'terminate', 'reboot']);

/** The record's keys and via, completed from its instance's launch (a service's stop or terminate names no group). */
async function completed(
  record: AttributionRecord,
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

/** A record with its initiator resolved; records that need no link come back as they are. */
export async function resolveRecord(
  record: AttributionRecord,
  source: LineageSource,
): Promise<AttributionRecord> {
  if (!record.lineage.unresolved) return record;
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
    ...record,
    via,
    initiator: result.initiator,
    initiatorReason: karpenterReason(via, result),
    lineage: { ...record.lineage, actsFor, unresolved: false, linkSort: result.linkSort },
  };
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
