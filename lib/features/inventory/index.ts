/**
 * The scheduled inventory (config `inventory`): every day, the inventory `ec2trail owners` takes,
 * deployed. Runtime: lambda/inventory/.
 */

import { DEFAULT_OWNER_TAGS } from '../../../lambda/domain/owner-tags';
import type { Ec2TrailFeature, FeaturePart } from '../feature';
import { InventorySchedule, inventoryAlarms } from './inventory-schedule';

/** The inventory's part: the scheduled function. */
export interface InventoryPart extends FeaturePart {
  readonly schedule: InventorySchedule;
}

export const inventory: Ec2TrailFeature<InventoryPart> = {
  name: 'inventory',
  attach: ({ config, scope, table, logRetention }) => {
    if (!config.inventory) return null;
    const tags = config.ownerTags?.tags ?? DEFAULT_OWNER_TAGS;
    // The trail is read where the bucket is this account's: another account's bucket would need its policy to name this role.
    const trail =
      config.trail && (config.trail.account === undefined || config.trail.account === config.account)
        ? {
            bucket: config.trail.bucket,
            prefix: config.trail.prefix ?? '',
            ...(config.trail.kmsKeyArn ? { kmsKeyArn: config.trail.kmsKeyArn } : {}),
          }
        : undefined;
    const schedule = new InventorySchedule(scope, 'Inventory', {
      inventory: config.inventory,
      table,
      personTagKeys: Object.entries(tags).flatMap(([key, source]) => (source === 'person' ? [key] : [])),
      ...(config.retentionDays === undefined ? {} : { retentionDays: config.retentionDays }),
      ...(trail ? { trail } : {}),
      logRetention,
    });
    const coverageBelow = config.inventory.coverageAlarmBelow;
    return {
      schedule,
      monitor: (monitoring) => monitoring.addAlarms(inventoryAlarms(schedule, coverageBelow)),
    };
  },
};
