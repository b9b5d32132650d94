/**
 * An optional feature's runtime part, as the recording functions (live and trail-file) load it
 * at cold start. Each feature lives in its own folder under lambda/features/ and is listed once
 * in lambda/features/index.ts; the functions never name a feature.
 */

import type { Policy } from '../domain/policy/schema';
import type { HandlerDeps } from '../handler';
import type { LaunchActionFactory } from '../pipeline/launch-action';
import type { SentAlertLookup } from '../ports';
import type { IngestedBy } from '../schema/attribution-table';
import type { BuildConstants } from '../settings/build';
import type { RecordingSettings } from '../settings/functions';

/** What a feature is checked against at cold start. */
export interface ColdStart {
  /** The function's environment, where the feature's own settings are. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The settings every recording function reads. */
  readonly settings: RecordingSettings;
  /** The deploy's policy, as checked at cold start. */
  readonly policy: Policy;
}

/** What a feature's launch action is built from: the cold start and the function's shared adapters. */
export interface FeatureContext extends ColdStart {
  readonly ingestedBy: IngestedBy;
  readonly store: HandlerDeps['store'];
  /** The alert markers, read back to tell which alerts were sent. */
  readonly alerts: SentAlertLookup;
  readonly logger: HandlerDeps['logger'];
  readonly metrics: HandlerDeps['metrics'];
}

export interface RuntimeFeature {
  readonly name: string;
  /**
   * The feature's own build constants, read property by property (esbuild replaces
   * `EC2TRAIL_BUILD.<name>`, never the object), for the cold-start check.
   */
  built(): Partial<BuildConstants>;
  /**
   * What this bundle needs from the environment and did not get, each problem naming its
   * variable: all features' problems and the function's own are reported at once.
   */
  problems(start: ColdStart, build: Partial<BuildConstants>): readonly string[];
  /**
   * The feature's launch action in this deploy, or null when it is off. Test the build constant
   * itself (`EC2TRAIL_BUILD.<name> ? … : null`): esbuild folds it, and a bundle built with the
   * feature off holds none of its code or clients.
   */
  action(context: FeatureContext): LaunchActionFactory | null;
}
