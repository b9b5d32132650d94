/** Every CloudTrail call ec2trail watches, by action: what the rules match and backfill looks up. */

import { ACTION_EVENTS, type Action, type ActionEvent, REMEDIATE, SERVICE_CHANGE } from './actions';
import { SERVICE_CALLS } from './lineage/service-calls';

/** The calls of the service-change action: every watched cause of service launches. */
export const SERVICE_CHANGE_EVENTS: readonly ActionEvent[] = SERVICE_CALLS.map(
  ({ eventSource, eventName }) => ({
    eventSource,
    eventName,
  }),
);

/** The CloudTrail calls an action stands for; none for ec2trail's own remediation rows. */
export function eventsOf(action: Action): readonly ActionEvent[] {
  if (action === REMEDIATE) return [];
  return action === SERVICE_CHANGE ? SERVICE_CHANGE_EVENTS : [ACTION_EVENTS[action]];
}
