/**
 * The optional features an Ec2Trail attaches. A new feature is one folder here (and, when it acts
 * in the recording functions, one in lambda/features/), one entry in `FEATURES`, and its bundle
 * constant's value when off in `BUILD_WHEN_OFF`.
 */

import type { Policy } from '../../lambda/domain/policy/schema';
import type { BuildConstants } from '../../lambda/settings/build';
import type { Ec2TrailConfig } from '../config';
import { chat } from './chat';
import { digests } from './digests';
import type { Ec2TrailCore, Ec2TrailFeature, FeaturePart } from './feature';
import { inventory } from './inventory';
import { organization } from './organization';
import { ownerTags } from './owner-tags';
import { people } from './people';
import { remediation } from './remediation';
import { securityHub } from './security-hub';
import { trailPath } from './trail-path';
import { violationEvents } from './violation-events';

/**
 * Every optional feature, by its name, in the order of their grants, alarms and completion: the
 * trail path completes before the organization, whose member accounts trust its reader too.
 */
export const FEATURES = {
  ownerTags,
  remediation,
  violationEvents,
  securityHub,
  digests,
  inventory,
  people,
  chat,
  trailPath,
  organization,
} as const;

/** Each feature's part in one deploy, or null when it is off. */
export type FeatureParts = {
  readonly [K in keyof typeof FEATURES]: ReturnType<(typeof FEATURES)[K]['attach']>;
};

/** Every feature's bundle constants with the feature off: `tsc` fails when one is missing. */
export const BUILD_WHEN_OFF = {
  ownerTags: null,
  enforce: false,
  violationEvents: false,
  securityHub: false,
} as const satisfies Omit<BuildConstants, 'policy' | 'accountNames'>;

/** What is wrong with the features' configs together with the policy: every problem, at once. */
export function featureConflicts(config: Ec2TrailConfig, policy: Policy): string[] {
  return Object.values(FEATURES).flatMap((feature: Ec2TrailFeature) => feature.check?.(config, policy) ?? []);
}

/** Attaches every feature, in order, to the core. */
export function attachFeatures(core: Ec2TrailCore): FeatureParts {
  const parts: Record<string, FeaturePart | null> = {};
  for (const [name, feature] of Object.entries(FEATURES)) parts[name] = feature.attach(core);
  // Each entry is the attach() result of the feature under the same key.
  return parts as FeatureParts;
}
