/**
 * What a function's bundle is built with, fixed at `cdk synth`. esbuild replaces each
 * `EC2TRAIL_BUILD.<name>` in the code by its value, so the code behind a feature that is off, and
 * the SDK client it imports, are left out of the bundle. The CDK side produces the replacements
 * from this same interface (`buildDefines`), so a name cannot be misspelt on one side only.
 */

import type { Policy } from '../domain/policy/schema';

declare global {
  /**
   * A bundle's compile-time constants. The core's are declared here; each optional feature
   * declares its own in its folder's contract.ts (interface merging), and gives its value when
   * off in lib/features/index.ts.
   */
  interface Ec2TrailBuild {
    /** The deploy's policy, validated at synth and again at cold start. */
    readonly policy: Policy;
    /** Read account names from AWS Organizations: bundles the Organizations client. */
    readonly accountNames: boolean;
  }
  /** Replaced property by property at bundling; never an object at run time. */
  const EC2TRAIL_BUILD: Ec2TrailBuild;
}

/** A bundle's compile-time constants. */
export type BuildConstants = Ec2TrailBuild;

/** The identifier the defines replace. */
export const BUILD_GLOBAL = 'EC2TRAIL_BUILD';

/** esbuild's `define` for `constants`: one replacement per property, as JSON (a bundle gets all it reads). */
export function buildDefines(constants: Partial<BuildConstants>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(constants).map(([name, value]) => [`${BUILD_GLOBAL}.${name}`, JSON.stringify(value)]),
  );
}
