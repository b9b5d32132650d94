/** Every CloudTrail call ec2trail watches, by action: what the rules match and backfill looks up. */

import { ACTION_EVENTS, type Action, type ActionEvent, SERVICE_CHANGE } from './actions';
import { SERVICE_CALLS } from './lineage/service-calls';

/** The calls of the service-change action: every watched cause of service launches. */
export const SERVICE_CHANGE_EVENTS: readonly ActionEvent[] = SERVICE_CALLS.map(
  ({ eventSource, eventName }) => ({
    eventSource,
    eventName,
  }),
);

/** The CloudTrail calls an action stands for. */
export function eventsOf(action: Action): readonly ActionEvent[] {
  return action === SERVICE_CHANGE ? SERVICE_CHANGE_EVENTS : [ACTION_EVENTS[action]];
}
