/**
 * `ec2trail costs`: each instance's running hours in a window, from the table's launch, start,
 * stop and terminate rows, corrected by what EC2 says the instance is now; and who is behind it.
 * The instances are those the window's rows name, and those EC2 lists now (an instance running
 * all month makes no call in it).
 */

import type { DynamoDbAttributionQueries } from '../../lambda/adapters/dynamodb-attribution-queries';
import { type Ownership, ownershipOfLaunch } from '../../lambda/domain/inventory/ownership';
import {
  type Present,
  runningHours,
  STATE_CALLS,
  type StateBefore,
  type StateCall,
  type StateChange,
  stateAfter,
} from '../../lambda/domain/inventory/running-hours';
import { inPool, type OwnedInstance } from '../../lambda/inventory/find-owners';
import type { StoredRow } from '../../lambda/schema/stored-row';

/** One instance's hours in the window, and what pricing it needs. */
export interface HoursOfInstance {
  readonly instanceId: string;
  readonly account: string | null;
  readonly region: string;
  readonly instanceType: string | null;
  readonly availabilityZone: string | null;
  readonly platform: string | null;
  readonly tenancy: string | null;
  readonly lifecycle: string | null;
  /** True when EC2 no longer lists it, so platform and tenancy are taken as Linux/UNIX and shared. */
  readonly platformAssumed: boolean;
  readonly ownership: Ownership;
  readonly hours: number;
  readonly uncertain: string | null;
}

export interface CostWindow {
  readonly fromMs: number;
  readonly toMs: number;
  readonly account?: string;
  readonly region?: string;
}

/** What EC2 was read for: the instances it lists, and the accounts and regions it listed. */
export interface Inventory {
  readonly instances: readonly OwnedInstance[];
  readonly accounts: readonly string[];
  /** The regions listed, and the `account/region` pairs that could not be. */
  readonly regions: readonly string[];
  readonly failed: readonly string[];
}

const isStateCall = (action: string): action is StateCall =>
  (STATE_CALLS as readonly string[]).includes(action);

interface Seen {
  account: string | null;
  region: string | null;
  changes: StateChange[];
  launch: StoredRow | null;
}

/** The rows of the window, by instance: its state calls and its launch row. */
async function rowsOfWindow(
  queries: DynamoDbAttributionQueries,
  window: CostWindow,
): Promise<Map<string, Seen>> {
  const seen = new Map<string, Seen>();
  for await (const row of queries.recent(window)) {
    if (row.instanceId === null || row.outcome !== 'success' || !isStateCall(row.action)) continue;
    const atMs = Date.parse(row.eventTime ?? '');
    if (!Number.isFinite(atMs)) continue;
    const entry = seen.get(row.instanceId) ?? {
      account: row.account,
      region: row.region,
      changes: [],
      launch: null,
    };
    entry.changes.push({ atMs, call: row.action });
    if (row.action === 'launch') entry.launch = row;
    seen.set(row.instanceId, entry);
  }
  return seen;
}

/** Before the window: the newest state call (how it stood at the start), and the launch row. */
async function beforeWindow(
  queries: DynamoDbAttributionQueries,
  instanceId: string,
  fromMs: number,
): Promise<{ before: StateBefore; launch: StoredRow | null }> {
  let before: StateBefore = null;
  for await (const row of queries.lifecycle(instanceId, { toMs: fromMs - 1 })) {
    if (row.outcome !== 'success' || !isStateCall(row.action)) continue;
    before ??= stateAfter(row.action);
    // Newest first: the launch is the oldest state call, so the walk ends there.
    if (row.action === 'launch') return { before, launch: row };
  }
  return { before, launch: null };
}

const UNKNOWN: Ownership = {
  person: null,
  personVerified: null,
  service: null,
  evidence: null,
  reason: 'not-looked-up',
};

function presentOf(
  listed: OwnedInstance | undefined,
  seen: Seen | undefined,
  inventory: Inventory | null,
): Present | null {
  if (listed) {
    const since = Date.parse(listed.launchTime ?? '');
    return { state: listed.state ?? 'unknown', runningSinceMs: Number.isFinite(since) ? since : null };
  }
  // Gone only where EC2 was read: an account and a region listed, and not among those that failed.
  const read =
    inventory !== null &&
    seen?.account != null &&
    seen.region !== null &&
    inventory.accounts.includes(seen.account) &&
    inventory.regions.includes(seen.region) &&
    !inventory.failed.includes(seen.region) &&
    !inventory.failed.includes(`${seen.account}/${seen.region}`);
  return read ? { state: 'gone' } : null;
}

/** Every instance's running hours in the window. */
export async function hoursInWindow(
  queries: DynamoDbAttributionQueries,
  window: CostWindow,
  inventory: Inventory | null,
): Promise<HoursOfInstance[]> {
  const seen = await rowsOfWindow(queries, window);
  const listed = new Map<string, OwnedInstance>();
  for (const instance of inventory?.instances ?? [])
    if (
      (window.account === undefined || instance.account === window.account) &&
      (window.region === undefined || instance.region === window.region)
    )
      listed.set(instance.instanceId, instance);
  const ids = [...new Set([...seen.keys(), ...listed.keys()])].sort();
  return inPool(ids, 16, async (instanceId) => {
    const inWindow = seen.get(instanceId);
    const now = listed.get(instanceId);
    // A launch in the window says how it stood before (it did not exist): nothing older to read.
    const older = inWindow?.launch
      ? { before: null, launch: inWindow.launch }
      : await beforeWindow(queries, instanceId, window.fromMs);
    const launch = older.launch;
    const { hours, uncertain } = runningHours({
      changes: inWindow?.changes ?? [],
      before: older.before,
      present: presentOf(now, inWindow, inventory),
      fromMs: window.fromMs,
      toMs: window.toMs,
    });
    const launchType = launch?.launch?.instanceType;
    return {
      instanceId,
      account: now?.account ?? inWindow?.account ?? launch?.account ?? null,
      region: now?.region ?? inWindow?.region ?? launch?.region ?? '',
      instanceType: now?.instanceType ?? (typeof launchType === 'string' ? launchType : null),
      availabilityZone: now?.availabilityZone ?? availabilityZoneOf(launch),
      platform: now ? now.platform : null,
      tenancy: now ? now.tenancy : null,
      lifecycle: now ? now.lifecycle : launch?.launch?.marketType === 'spot' ? 'spot' : null,
      platformAssumed: !now,
      ownership: launch ? ownershipOfLaunch(launch, 'table') : now ? ownershipOf(now) : UNKNOWN,
      hours,
      uncertain,
    };
  });
}

const availabilityZoneOf = (launch: StoredRow | null): string | null => {
  const zone = launch?.launch?.availabilityZone;
  return typeof zone === 'string' ? zone : null;
};

const ownershipOf = (instance: OwnedInstance): Ownership => ({
  person: instance.person,
  personVerified: instance.personVerified,
  service: instance.service,
  evidence: instance.evidence,
  reason: instance.reason,
});
