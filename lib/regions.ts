/**
 * AWS Region codes a deployment may name, from aws-cdk-lib's region facts: a typo fails
 * `cdk synth`, not the deploy, and a region AWS opens arrives with the next aws-cdk-lib upgrade.
 */
import { RegionInfo } from 'aws-cdk-lib/region-info';

/** Every region code aws-cdk-lib knows, sorted. */
export const AWS_REGIONS: readonly string[] = RegionInfo.regions.map((region) => region.name).sort();

/** The partition a region belongs to (`aws`, `aws-cn`, `aws-us-gov`, …), from the same facts. */
export function partitionOf(region: string): string {
  return RegionInfo.get(region).partition ?? 'aws';
}
