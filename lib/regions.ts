/**
 * AWS Region codes a deployment may name, from aws-cdk-lib's region facts: a typo fails
 * `cdk synth`, not the deploy, and a region AWS opens arrives with the next aws-cdk-lib upgrade.
 *
 * The facts are loaded on first use: loading them takes about 150 ms, which every CLI command
 * that reads the deploy config (inspect, replay, digest) would otherwise pay before its first line.
 */
import type { RegionInfo as RegionInfoType } from 'aws-cdk-lib/region-info';

let regionInfo: typeof RegionInfoType | undefined;
let regions: readonly string[] | undefined;

function facts(): typeof RegionInfoType {
  // A require in a function, not an import: esbuild and Node both run the module only when called.
  regionInfo ??= (require('aws-cdk-lib/region-info') as { RegionInfo: typeof RegionInfoType }).RegionInfo;
  return regionInfo;
}

/** Every region code aws-cdk-lib knows, sorted. */
export function awsRegions(): readonly string[] {
  regions ??= facts()
    .regions.map((region) => region.name)
    .sort();
  return regions;
}

/** The partition a region belongs to (`aws`, `aws-cn`, `aws-us-gov`, …), from the same facts. */
export function partitionOf(region: string): string {
  return facts().get(region).partition ?? 'aws';
}
