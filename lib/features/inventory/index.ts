/**
 * The scheduled inventory (config `inventory`): every day, the inventory `ec2trail owners` takes,
 * deployed. Runtime: lambda/inventory/.
 */

import { Fn } from 'aws-cdk-lib';
import { DEFAULT_OWNER_TAGS } from '../../../lambda/domain/owner-tags';
import { writesLegacyKeys } from '../../../lambda/schema/table-definition';
import type { Ec2TrailFeature, FeaturePart } from '../feature';
import { InventorySchedule, inventoryAlarms } from './inventory-schedule';
import { MEMBER_READER_PARAMETERS, MemberInventoryReaderRole } from './member-reader-role';

/** The inventory's part: the scheduled function. */
export interface InventoryPart extends FeaturePart {
  readonly schedule: InventorySchedule;
}

export const inventory: Ec2TrailFeature<InventoryPart> = {
  name: 'inventory',
  attach: ({ config, scope, table, logRetention }) => {
    if (!config.inventory) return null;
    const tags = config.ownerTags?.tags ?? DEFAULT_OWNER_TAGS;
    // An organization deploy lists its member accounts too (the organization's own StackSet puts the role there).
    const organization =
      config.organization && config.account
        ? { id: config.organization.id, homeAccount: config.account }
        : null;
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
      legacyKeys: writesLegacyKeys(config.tableMove?.step),
      ...(trail ? { trail } : {}),
      ...(organization ? { organizationId: organization.id } : {}),
      logRetention,
    });
    const coverageBelow = config.inventory.coverageAlarmBelow;
    return {
      schedule,
      monitor: (monitoring) => monitoring.addAlarms(inventoryAlarms(schedule, coverageBelow)),
      // Each member account gets the read-only role the function lists its instances with.
      ...(organization
        ? {
            member: () => ({
              id: 'InventoryReaderRole',
              add: (stack) =>
                new MemberInventoryReaderRole(stack, 'InventoryReaderRole', {
                  homeAccount: organization.homeAccount,
                  organizationId: organization.id,
                }),
              parameters: {
                [MEMBER_READER_PARAMETERS.readerArns]: Fn.join(',', [
                  schedule.function.role?.roleArn ?? '',
                  ...(config.inventory?.readers ?? []),
                ]),
              },
            }),
          }
        : {}),
    };
  },
};
