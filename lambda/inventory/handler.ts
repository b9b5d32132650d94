/**
 * The scheduled inventory: EventBridge Scheduler invokes it daily; it takes the inventory
 * `ec2trail owners` takes (every instance and its person, recording what it finds), saves the
 * snapshot the digest and the report show, and publishes coverage as metrics the stack alarms on.
 * The invocation's payload is not read: there is nothing in it to get wrong.
 */

import type { InventorySnapshot } from '../domain/inventory/snapshot';
import type { Log, MetricSink } from '../telemetry';
import type { OwnedInstance } from './find-owners';
import type { RecordTally } from './record-found';
import type { Inventory } from './take-inventory';

/** The inventory's metric names (namespace ec2trail, dimension service=ec2trail). */
export const INVENTORY_METRIC = {
  /** The share of listed instances with a person, in percent. */
  coverage: 'InventoryCoverage',
  /** Running instances with no person known. */
  runningUnknown: 'RunningInstancesUnknown',
  /** Instances possibly forgotten. */
  forgotten: 'InstancesPossiblyForgotten',
  /** Regions that could not be listed. */
  regionsFailed: 'InventoryRegionsFailed',
} as const;

export interface InventoryHandlerDeps {
  /** The regions to list: the configured ones, or every region the account has enabled. */
  readonly regions: () => Promise<readonly string[]>;
  /** The inventory, and what recording the launches it found came to. */
  readonly take: (
    regions: readonly string[],
  ) => Promise<{ readonly inventory: Inventory; readonly recorded: RecordTally }>;
  readonly snapshots: { save(snapshot: InventorySnapshot): Promise<void> };
  readonly metrics: MetricSink;
  readonly logger: Log;
}

export interface InventoryResult {
  readonly instances: number;
  readonly withPerson: number;
  readonly percent: number;
  readonly runningUnknown: number;
  readonly forgotten: number;
  readonly failedRegions: readonly string[];
  readonly lookups: number;
  readonly recorded: number;
}

const runningUnknown = (instances: readonly OwnedInstance[]) =>
  instances.filter((i) => i.state === 'running' && i.person === null).length;

export function createInventoryHandler(
  deps: InventoryHandlerDeps,
): (event: unknown) => Promise<InventoryResult> {
  return async function inventory(): Promise<InventoryResult> {
    const regions = await deps.regions();
    const { inventory, recorded } = await deps.take(regions);
    const { snapshot, result } = inventory;
    await deps.snapshots.save(snapshot);
    const outcome: InventoryResult = {
      instances: snapshot.coverage.instances,
      withPerson: snapshot.coverage.withPerson,
      percent: snapshot.coverage.percent,
      runningUnknown: runningUnknown(result.instances),
      forgotten: snapshot.forgottenTotal,
      failedRegions: snapshot.failedRegions,
      lookups: result.lookups,
      recorded: recorded.written,
    };
    deps.metrics.addMetric(INVENTORY_METRIC.coverage, 'Percent', outcome.percent);
    deps.metrics.addMetric(INVENTORY_METRIC.runningUnknown, 'Count', outcome.runningUnknown);
    deps.metrics.addMetric(INVENTORY_METRIC.forgotten, 'Count', outcome.forgotten);
    deps.metrics.addMetric(INVENTORY_METRIC.regionsFailed, 'Count', outcome.failedRegions.length);
    deps.metrics.publishStoredMetrics();
    if (result.failedRegions.length > 0)
      deps.logger.warn('Regions that could not be listed were left out', {
        failedRegions: result.failedRegions,
      });
    if (recorded.failed > 0)
      deps.logger.warn(
        'Launches found outside the table could not all be recorded; the next run tries again',
        {
          failed: recorded.failed,
          reason: recorded.firstFailure,
        },
      );
    deps.logger.info('Inventory taken', {
      ...outcome,
      unknownByReason: snapshot.coverage.unknownByReason,
      runningHourlyUsd: snapshot.runningHourlyUsd,
    });
    return outcome;
  };
}
