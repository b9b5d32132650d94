/**
 * One inventory, as `owners` and the scheduled function both take it: every instance and its
 * person, each one's price, when someone last touched the old ones, and the snapshot the digest
 * and the report read (coverage, the hourly cost of what runs, the possibly forgotten).
 */

import { coverageOf, isPossiblyForgotten } from '../domain/inventory/ownership';
import { type ForgottenInstance, type InventorySnapshot, snapshotOf } from '../domain/inventory/snapshot';
import {
  findOwners,
  inPool,
  lastTouches,
  type OwnedInstance,
  type OwnersDeps,
  type OwnersResult,
} from './find-owners';
import type { PriceBook } from './price-book';
import { NO_PRICE_READ, type PriceOfInstance, pricesOf, runningCost } from './prices';
import type { SpotPriceHistory } from './spot-prices';

/** One account's clients: the function's own account, or a member account through its reader role. */
export interface AccountScope {
  /** The account id, or null for the caller's own account. */
  readonly account: string | null;
  readonly ec2For: OwnersDeps['ec2For'];
  readonly cloudTrailFor: OwnersDeps['cloudTrailFor'];
}

/** Accounts listed at once: each lists its regions side by side, Event history paced per account and region. */
const ACCOUNTS_AT_ONCE = 4;

export interface InventoryDeps extends OwnersDeps {
  /** The accounts to list, each with its clients. @default the caller's own, with `ec2For` and `cloudTrailFor` */
  readonly accounts?: readonly AccountScope[];
  /** The Price List and the Spot price history; null to read no price. */
  readonly prices: { readonly book: PriceBook; readonly spot: SpotPriceHistory | null } | null;
  /** Possibly forgotten after this long running untouched. */
  readonly forgottenAfterMs: number;
  /** Where a price problem is told (once). */
  readonly warn: (line: string) => void;
}

export interface Inventory {
  readonly result: OwnersResult;
  readonly priceOf: (instance: OwnedInstance) => PriceOfInstance;
  /** The newest touch of each running instance older than the threshold (epoch ms; null when none). */
  readonly touches: ReadonlyMap<string, number | null>;
  readonly forgotten: (instance: OwnedInstance) => boolean;
  readonly snapshot: InventorySnapshot;
}

const launchedMs = (i: OwnedInstance) => {
  const at = Date.parse(i.originalLaunchTime ?? i.launchTime ?? '');
  return Number.isFinite(at) ? at : null;
};

/** Every account's instances; a region or an account that cannot be read is named (`account/region`) and left out. */
export async function ownersOfAccounts(
  regions: readonly string[],
  deps: OwnersDeps & Pick<InventoryDeps, 'accounts'>,
): Promise<OwnersResult> {
  const scopes = deps.accounts ?? [{ account: null, ec2For: deps.ec2For, cloudTrailFor: deps.cloudTrailFor }];
  const results = await inPool(scopes, ACCOUNTS_AT_ONCE, async (scope) => {
    const found = await findOwners(regions, {
      ...deps,
      ec2For: scope.ec2For,
      cloudTrailFor: scope.cloudTrailFor,
    });
    return scope.account === null
      ? found
      : {
          ...found,
          failedRegions: found.failedRegions.map((f) => ({ ...f, region: `${scope.account}/${f.region}` })),
        };
  });
  return {
    instances: results.flatMap((r) => r.instances),
    failedRegions: results.flatMap((r) => r.failedRegions),
    lookups: results.reduce((sum, r) => sum + r.lookups, 0),
  };
}

export async function takeInventory(regions: readonly string[], deps: InventoryDeps): Promise<Inventory> {
  const nowMs = deps.clock.now();
  const result = await ownersOfAccounts(regions, deps);
  const byId = deps.prices
    ? await pricesOf(result.instances, deps.prices.book, deps.prices.spot, deps.warn)
    : () => NO_PRICE_READ;
  const priceOf = (i: OwnedInstance) => byId(i.instanceId);
  // Only what has run longer than the threshold can be forgotten: the others are not asked about.
  const old = result.instances.filter((i) => {
    const at = launchedMs(i);
    return at !== null && nowMs - at > deps.forgottenAfterMs;
  });
  const touches = await lastTouches(old, deps.queries, nowMs, deps.forgottenAfterMs);
  const forgotten = (i: OwnedInstance) =>
    isPossiblyForgotten(
      { state: i.state, originalLaunchMs: launchedMs(i), person: i.person },
      touches.get(i.instanceId) ?? null,
      nowMs,
      deps.forgottenAfterMs,
    );
  const cost = deps.prices ? runningCost(result.instances, priceOf) : null;
  const failed = new Set(result.failedRegions.map((f) => f.region));
  const snapshot = snapshotOf({
    takenAt: new Date(nowMs).toISOString(),
    // A region is listed when some account's listing of it was read.
    regions: regions.filter(
      (r) => [...failed].filter((f) => f === r || f.endsWith(`/${r}`)).length < (deps.accounts?.length ?? 1),
    ),
    failedRegions: [...failed],
    coverage: coverageOf(result.instances),
    running: result.instances.filter((i) => i.state === 'running').length,
    runningHourlyUsd: cost?.hourlyUsd ?? null,
    forgottenAfterDays: deps.forgottenAfterMs / 86_400_000,
    forgotten: result.instances.filter(forgotten).map((i): ForgottenInstance => {
      const touched = touches.get(i.instanceId);
      return {
        instanceId: i.instanceId,
        account: i.account,
        region: i.region,
        instanceType: i.instanceType,
        person: i.person,
        service: i.service,
        launchedAt: i.originalLaunchTime ?? i.launchTime,
        lastTouch: touched === null || touched === undefined ? null : new Date(touched).toISOString(),
        hourlyUsd: priceOf(i).hourlyUsd,
      };
    }),
  });
  return { result, priceOf, touches, forgotten, snapshot };
}
