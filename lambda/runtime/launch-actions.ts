/**
 * What a recording pipeline does to launched instances besides recording them, as the deploy
 * configured it: each feature in lambda/features/ builds its own launch action, or none when it
 * is off. Shared by the attribution function and the trail-file function, so an event the live
 * path missed and the trail path recovers is acted on the same way.
 */

import { RUNTIME_FEATURES } from '../features';
import type { FeatureContext } from '../features/feature';
import type { LaunchActionFactory } from '../pipeline/launch-action';

/** The handler's `actions`, in the registry's order. */
export function launchActions(context: FeatureContext): LaunchActionFactory[] {
  return RUNTIME_FEATURES.flatMap((feature) => feature.action(context) ?? []);
}
