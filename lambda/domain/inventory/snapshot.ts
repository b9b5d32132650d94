/**
 * The latest inventory, kept in the table so the digest and the report can say what runs
 * without asking EC2 themselves: coverage, the hourly cost of what runs, and the instances
 * possibly forgotten, the dearest first. Pure; written by `owners` and the scheduled inventory.
 */

import type { Coverage } from './ownership';

/** The hours in a month as AWS's pricing calculator counts them (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

/** The forgotten instances a snapshot keeps: the dearest, far under DynamoDB's 400 KB an item. */
export const SNAPSHOT_FORGOTTEN_MAX = 100;

export interface ForgottenInstance {
  readonly instanceId: string;
  readonly account: string | null;
  readonly region: string;
  readonly instanceType: string | null;
  readonly person: string | null;
  readonly service: string | null;
  /** Its original launch (ISO 8601). */
  readonly launchedAt: string | null;
  /** The newest start, stop, reboot or connect the table holds within the threshold; null when none. */
  readonly lastTouch: string | null;
  readonly hourlyUsd: number | null;
}

export interface InventorySnapshot {
  readonly takenAt: string;
  /** The regions listed, and those that could not be. */
  readonly regions: readonly string[];
  readonly failedRegions: readonly string[];
  readonly coverage: Coverage;
  readonly running: number;
  /** What runs costs an hour at list prices; null when prices were not read. */
  readonly runningHourlyUsd: number | null;
  readonly forgottenAfterDays: number;
  /** How many are possibly forgotten, and what they cost a month at list prices (priced ones). */
  readonly forgottenTotal: number;
  readonly forgottenMonthlyUsd: number;
  /** The dearest of them, at most SNAPSHOT_FORGOTTEN_MAX. */
  readonly forgotten: readonly ForgottenInstance[];
}

/** A month of an instance at its hourly price; null without a price. */
export function monthlyUsd(instance: Pick<ForgottenInstance, 'hourlyUsd'>): number | null {
  return instance.hourlyUsd === null ? null : instance.hourlyUsd * HOURS_PER_MONTH;
}

/** Dearest first; unpriced after the priced, then the oldest first. */
export function byMonthlyCost(a: ForgottenInstance, b: ForgottenInstance): number {
  return (
    (b.hourlyUsd ?? -1) - (a.hourlyUsd ?? -1) ||
    (a.launchedAt ?? '').localeCompare(b.launchedAt ?? '') ||
    a.instanceId.localeCompare(b.instanceId)
  );
}

export function snapshotOf(
  input: Omit<InventorySnapshot, 'forgottenTotal' | 'forgottenMonthlyUsd'>,
): InventorySnapshot {
  const sorted = [...input.forgotten].sort(byMonthlyCost);
  return {
    ...input,
    forgottenTotal: sorted.length,
    forgottenMonthlyUsd: sorted.reduce((sum, i) => sum + (monthlyUsd(i) ?? 0), 0),
    forgotten: sorted.slice(0, SNAPSHOT_FORGOTTEN_MAX),
  };
}

/** What a digest shows of a snapshot: for everyone, or one person's instances. */
export interface ForgottenSection {
  readonly asOf: string;
  readonly regions: number;
  readonly afterDays: number;
  readonly total: number;
  readonly monthlyUsd: number;
  readonly instances: readonly ForgottenInstance[];
}

/** A snapshot older than this is not shown: the digest would report instances that may be gone. */
export const SNAPSHOT_FRESH_MS = 2 * 86_400_000;

/**
 * The forgotten section of a digest at `nowMs`; null when the snapshot is missing or stale. A
 * person's section holds only their instances (compared without case, as digests name people);
 * it counts only what the snapshot kept.
 */
export function forgottenSection(
  snapshot: InventorySnapshot | null,
  nowMs: number,
  person?: string,
): ForgottenSection | null {
  if (!snapshot) return null;
  const age = nowMs - Date.parse(snapshot.takenAt);
  if (!Number.isFinite(age) || age > SNAPSHOT_FRESH_MS || age < -SNAPSHOT_FRESH_MS) return null;
  const wanted = person?.toLowerCase();
  const instances =
    wanted === undefined
      ? snapshot.forgotten
      : snapshot.forgotten.filter((i) => i.person?.toLowerCase() === wanted);
  return {
    asOf: snapshot.takenAt,
    regions: snapshot.regions.length,
    afterDays: snapshot.forgottenAfterDays,
    total: wanted === undefined ? snapshot.forgottenTotal : instances.length,
    monthlyUsd:
      wanted === undefined
        ? snapshot.forgottenMonthlyUsd
        : instances.reduce((sum, i) => sum + (monthlyUsd(i) ?? 0), 0),
    instances,
  };
}
