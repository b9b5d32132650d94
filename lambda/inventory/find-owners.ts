/**
 * `ec2trail owners`: every instance that exists now, with the person behind its launch. The
 * evidence is tried cheapest first: the table's launch row, then Event history (recorded into
 * the table through the backfill path when asked, so the next `who` answers at once), then the
 * instance's own tags. Regions run side by side; a region that cannot be read is reported and
 * the rest go on.
 */

import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { DynamoDbAttributionQueries } from '../adapters/dynamodb-attribution-queries';
import { attribute } from '../domain';
import {
  EVENT_HISTORY_DAYS,
  type Ownership,
  ownershipOfLaunch,
  ownershipOfTags,
  TOUCHING_ACTIONS,
  withinEventHistory,
} from '../domain/inventory/ownership';
import { describeError } from '../ingest/decode';
import type { StoredRow } from '../schema/stored-row';
import { enabledRegions, type InventoryInstance, instancesIn } from './ec2-instances';
import { type LookupClock, RegionEventHistory } from './launch-lookup';
import type { TrailLaunchFinder } from './trail-launch';

/** One instance and its person. */
export type OwnedInstance = InventoryInstance & Ownership;

export interface OwnersDeps {
  readonly ec2For: (region: string) => EC2Client;
  /** Event history of a region; null to stay with the table and the tags. */
  readonly cloudTrailFor: ((region: string) => CloudTrailClient) | null;
  readonly queries: DynamoDbAttributionQueries;
  /** The trail's log files, for launches Event history does not hold. @default none */
  readonly trail?: TrailLaunchFinder;
  /** Records what Event history held into the table (backfill path, no alert); absent with --no-record. */
  readonly record?: (records: readonly Record<string, unknown>[], origin: string) => Promise<void>;
  /** The tag keys ec2trail writes the person to (the deploy's owner tags of source `person`). */
  readonly personTagKeys: readonly string[];
  readonly clock: LookupClock;
  /** Table lookups at once. @default 16 */
  readonly concurrency?: number;
}

export interface OwnersResult {
  readonly instances: readonly OwnedInstance[];
  /** Regions that could not be listed, with why. */
  readonly failedRegions: readonly { readonly region: string; readonly error: string }[];
  /** LookupEvents requests sent, over every region. */
  readonly lookups: number;
}

/** The regions to list: those asked, or every region the account has enabled. */
export async function regionsToList(asked: readonly string[] | undefined, ec2: EC2Client): Promise<string[]> {
  return asked && asked.length > 0 ? [...asked] : enabledRegions(ec2);
}

export async function findOwners(regions: readonly string[], deps: OwnersDeps): Promise<OwnersResult> {
  const failedRegions: { region: string; error: string }[] = [];
  let lookups = 0;
  const perRegion = await Promise.all(
    regions.map(async (region) => {
      const instances: InventoryInstance[] = [];
      try {
        for await (const instance of instancesIn(deps.ec2For(region), region)) instances.push(instance);
      } catch (error) {
        failedRegions.push({ region, error: describeError(error) });
        return [];
      }
      const history = deps.cloudTrailFor
        ? new RegionEventHistory(deps.cloudTrailFor(region), deps.clock)
        : null;
      const owned = await ownersIn(instances, history, deps);
      lookups += history?.requests ?? 0;
      return owned;
    }),
  );
  return { instances: perRegion.flat(), failedRegions, lookups };
}

/** The launch row of an instance, if the table holds one (a failed launch says nothing). */
async function launchRow(queries: DynamoDbAttributionQueries, instanceId: string): Promise<StoredRow | null> {
  // EC2 answers canonical ids; a row written from another spelling is found under it too.
  for (const id of new Set([instanceId, instanceId.toLowerCase()]))
    for await (const row of queries.lifecycle(id, { action: 'launch' }))
      if (row.outcome === 'success') return row;
  return null;
}

/** Runs `work` over `items`, `size` at a time, keeping their order. */
export async function inPool<T, R>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return out;
}

async function ownersIn(
  instances: readonly InventoryInstance[],
  history: RegionEventHistory | null,
  deps: OwnersDeps,
): Promise<OwnedInstance[]> {
  // The table first, for all of them at once: it answers most, and costs nothing in Event history's pace.
  const fromTable = await inPool(instances, deps.concurrency ?? 16, async (instance) => {
    const row = await launchRow(deps.queries, instance.instanceId);
    return row ? ownershipOfLaunch(row, 'table') : null;
  });
  const owned: OwnedInstance[] = [];
  for (const [index, instance] of instances.entries()) {
    let ownership = fromTable[index] ?? (await fromEventHistory(instance, history, deps));
    if (ownership.person === null && ownership.evidence === null && deps.trail)
      ownership = await fromTrail(instance, deps.trail, deps);
    if (ownership.person === null) {
      const tags = ownershipOfTags(instance.tags, deps.personTagKeys);
      if (tags?.person) ownership = tags;
      else if (tags?.service && ownership.service === null)
        ownership = { ...ownership, service: tags.service };
    }
    owned.push({ ...instance, ...ownership });
  }
  return owned;
}

const unknown = (reason: Ownership['reason']): Ownership => ({
  person: null,
  personVerified: null,
  service: null,
  evidence: null,
  reason,
});

/** Event history's answer for one instance the table does not know. */
async function fromEventHistory(
  instance: InventoryInstance,
  history: RegionEventHistory | null,
  deps: OwnersDeps,
): Promise<Ownership> {
  if (!history) return unknown('not-looked-up');
  const launchedMs = Date.parse(instance.originalLaunchTime ?? instance.launchTime ?? '');
  const now = deps.clock.now();
  if (Number.isFinite(launchedMs) && !withinEventHistory(launchedMs, now))
    return unknown('before-event-history');
  // From an hour before the launch: the record's time and the attachment's differ by seconds.
  const startMs = Number.isFinite(launchedMs)
    ? launchedMs - 3_600_000
    : now - EVENT_HISTORY_DAYS * 86_400_000;
  const found = await history.lookup(
    instance.instanceId,
    Math.max(startMs, now - EVENT_HISTORY_DAYS * 86_400_000),
  );
  if (found.status === 'unreadable') return unknown('event-history-unreadable');
  const launch = found.records.find(
    (record) =>
      record.eventName === 'RunInstances' &&
      JSON.stringify(record.responseElements ?? null).includes(instance.instanceId),
  );
  if (!launch) return unknown('not-in-event-history');
  return ownershipOfFound(instance, launch, found.records, 'event-history', deps, 'not-in-event-history');
}

/** The trail's answer for one instance neither the table nor Event history could name. */
async function fromTrail(
  instance: InventoryInstance,
  trail: TrailLaunchFinder,
  deps: OwnersDeps,
): Promise<Ownership> {
  const found = await trail.find(instance);
  if (found.status === 'unreadable') return unknown('trail-unreadable');
  if (found.status === 'not-found') return unknown('not-in-trail');
  return ownershipOfFound(instance, found.record, [found.record], 'trail', deps, 'not-in-trail');
}

/**
 * The person of a launch record found outside the table: recorded first when asked (the backfill
 * path links a service's launch to its person, and the next run reads it from the table).
 */
async function ownershipOfFound(
  instance: InventoryInstance,
  launch: Record<string, unknown>,
  records: readonly Record<string, unknown>[],
  evidence: 'event-history' | 'trail',
  deps: OwnersDeps,
  otherwise: Ownership['reason'],
): Promise<Ownership> {
  if (deps.record) {
    await deps.record(records, `${evidence === 'trail' ? 'trail' : 'LookupEvents'} ${instance.instanceId}`);
    const row = await launchRow(deps.queries, instance.instanceId);
    if (row) return ownershipOfLaunch(row, evidence);
  }
  const attributed = attribute(launch);
  const record =
    attributed.kind === 'records'
      ? (attributed.records.find((r) => r.instanceId === instance.instanceId) ?? attributed.records[0])
      : undefined;
  return record ? ownershipOfLaunch(record, evidence) : unknown(otherwise);
}

/**
 * The newest start, stop, reboot or connect the table holds for each running instance older than
 * `afterMs`, within that time (null when none): what `--forgotten` judges by.
 */
export async function lastTouches(
  instances: readonly OwnedInstance[],
  queries: DynamoDbAttributionQueries,
  nowMs: number,
  afterMs: number,
): Promise<Map<string, number | null>> {
  const touched = new Map<string, number | null>();
  const candidates = instances.filter((i) => i.state === 'running');
  await inPool(candidates, 16, async (instance) => {
    let newest: number | null = null;
    // Newest first, in the window only: the first touching call is the last touch.
    for await (const row of queries.lifecycle(instance.instanceId, { fromMs: nowMs - afterMs })) {
      const at = Date.parse(row.eventTime ?? '');
      if (
        (TOUCHING_ACTIONS as readonly string[]).includes(row.action) &&
        row.outcome === 'success' &&
        Number.isFinite(at)
      ) {
        newest = at;
        break;
      }
    }
    touched.set(instance.instanceId, newest);
  });
  return touched;
}
