/**
 * The instances that exist now: every pending, running, stopping and stopped instance of the
 * regions asked, or of every region the account has enabled (DescribeRegions without
 * `AllRegions`). A region that cannot be read is reported and the rest go on.
 */

import {
  DescribeInstancesCommand,
  DescribeRegionsCommand,
  type EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';

/** One instance as `owners` needs it. */
export interface InventoryInstance {
  readonly instanceId: string;
  readonly account: string | null;
  readonly region: string;
  readonly instanceType: string | null;
  readonly state: string | null;
  /** When it was last started (moves at every start). */
  readonly launchTime: string | null;
  /** When it was launched: the primary network interface's attachment time, else `launchTime`. */
  readonly originalLaunchTime: string | null;
  readonly tags: Readonly<Record<string, string>>;
  /** `Linux/UNIX`, `Windows`, … as EC2's `PlatformDetails` says. */
  readonly platform: string | null;
  readonly tenancy: string | null;
  readonly availabilityZone: string | null;
  /** `spot` for Spot instances; null for on-demand. */
  readonly lifecycle: string | null;
}

const LISTED_STATES = ['pending', 'running', 'stopping', 'stopped'];

const iso = (date: Date | undefined) => (date ? date.toISOString() : null);

/** The instance's original launch: the attachment time of the interface at device index 0. */
function originalLaunchOf(instance: Instance): string | null {
  const primary = instance.NetworkInterfaces?.find((eni) => eni.Attachment?.DeviceIndex === 0);
  return iso(primary?.Attachment?.AttachTime) ?? iso(instance.LaunchTime);
}

function inventoryOf(instance: Instance, account: string | null, region: string): InventoryInstance | null {
  if (!instance.InstanceId) return null;
  return {
    instanceId: instance.InstanceId,
    account,
    region,
    instanceType: instance.InstanceType ?? null,
    state: instance.State?.Name ?? null,
    launchTime: iso(instance.LaunchTime),
    originalLaunchTime: originalLaunchOf(instance),
    tags: Object.fromEntries((instance.Tags ?? []).flatMap((t) => (t.Key ? [[t.Key, t.Value ?? '']] : []))),
    platform: instance.PlatformDetails ?? instance.Platform ?? null,
    tenancy: instance.Placement?.Tenancy ?? null,
    availabilityZone: instance.Placement?.AvailabilityZone ?? null,
    lifecycle: instance.InstanceLifecycle ?? null,
  };
}

/** The regions the account has enabled, as DescribeRegions lists them by default. */
export async function enabledRegions(ec2: EC2Client): Promise<string[]> {
  const { Regions } = await ec2.send(new DescribeRegionsCommand({}));
  return (Regions ?? []).flatMap((r) => (r.RegionName ? [r.RegionName] : [])).sort();
}

/** Every listed instance of one region, page by page. */
export async function* instancesIn(ec2: EC2Client, region: string): AsyncGenerator<InventoryInstance> {
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [{ Name: 'instance-state-name', Values: LISTED_STATES }],
        MaxResults: 1000,
        NextToken,
      }),
    );
    for (const reservation of page.Reservations ?? [])
      for (const instance of reservation.Instances ?? []) {
        const found = inventoryOf(instance, reservation.OwnerId ?? null, region);
        if (found) yield found;
      }
    NextToken = page.NextToken;
  } while (NextToken);
}
