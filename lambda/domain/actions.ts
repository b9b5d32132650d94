/** The calls ec2trail attributes, and how CloudTrail names them. */

export const LIFECYCLE_ACTIONS = ['launch', 'start', 'stop', 'terminate', 'reboot', 'connect'] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

/** Calls that blind the trail ec2trail depends on: always watched, always critical by default. */
export const TRAIL_ACTIONS = ['stop-logging', 'delete-trail', 'update-trail', 'put-event-selectors'] as const;
export type TrailAction = (typeof TRAIL_ACTIONS)[number];

/**
 * A watched change to a resource a service launches for (an Auto Scaling group, a stack, a node
 * group, a fleet…): the calls in `lineage/service-calls.ts`, recorded as the causes of launches.
 */
export const SERVICE_CHANGE = 'service-change';
export type ServiceChangeAction = typeof SERVICE_CHANGE;

/**
 * What ec2trail itself did about a launch that broke the policy (tagged it, stopped it, or chose
 * not to): recorded as a row of the instance so `who` shows it beside the calls people made.
 */
export const REMEDIATE = 'remediate';
export type RemediateAction = typeof REMEDIATE;

/** An action named by exactly one CloudTrail call. */
export type CallAction = LifecycleAction | TrailAction;
export type Action = CallAction | ServiceChangeAction | RemediateAction;
export const ACTIONS: readonly Action[] = [...LIFECYCLE_ACTIONS, ...TRAIL_ACTIONS, SERVICE_CHANGE, REMEDIATE];

export interface ActionEvent {
  readonly eventSource: string;
  readonly eventName: string;
}

export const EC2_SOURCE = 'ec2.amazonaws.com';
export const INSTANCE_CONNECT_SOURCE = 'ec2-instance-connect.amazonaws.com';
export const CLOUDTRAIL_SOURCE = 'cloudtrail.amazonaws.com';

export const ACTION_EVENTS: { readonly [A in CallAction]: ActionEvent } = {
  launch: { eventSource: EC2_SOURCE, eventName: 'RunInstances' },
  start: { eventSource: EC2_SOURCE, eventName: 'StartInstances' },
  stop: { eventSource: EC2_SOURCE, eventName: 'StopInstances' },
  terminate: { eventSource: EC2_SOURCE, eventName: 'TerminateInstances' },
  reboot: { eventSource: EC2_SOURCE, eventName: 'RebootInstances' },
  connect: { eventSource: INSTANCE_CONNECT_SOURCE, eventName: 'SendSSHPublicKey' },
  'stop-logging': { eventSource: CLOUDTRAIL_SOURCE, eventName: 'StopLogging' },
  'delete-trail': { eventSource: CLOUDTRAIL_SOURCE, eventName: 'DeleteTrail' },
  'update-trail': { eventSource: CLOUDTRAIL_SOURCE, eventName: 'UpdateTrail' },
  'put-event-selectors': { eventSource: CLOUDTRAIL_SOURCE, eventName: 'PutEventSelectors' },
};

/** The past tense of each action, for alerts and messages ("alice terminated i-0abc"). */
export const ACTION_VERBS: { readonly [A in Action]: string } = {
  launch: 'launched',
  start: 'started',
  stop: 'stopped',
  terminate: 'terminated',
  reboot: 'rebooted',
  connect: 'connected to',
  'stop-logging': 'stopped logging on trail',
  'delete-trail': 'deleted trail',
  'update-trail': 'updated trail',
  'put-event-selectors': 'changed the event selectors of trail',
  'service-change': 'changed',
  remediate: 'remediated',
};

/** Actions that a deployment can never switch off: without them attribution has no meaning. */
export const MANDATORY_ACTIONS: readonly LifecycleAction[] = ['launch', 'stop', 'terminate'];

const BY_SOURCE_AND_NAME = new Map<string, Action>(
  [...LIFECYCLE_ACTIONS, ...TRAIL_ACTIONS].map((action) => [
    `${ACTION_EVENTS[action].eventSource}|${ACTION_EVENTS[action].eventName}`,
    action,
  ]),
);

/** The action of a call, or null; names are compared after trimming stray whitespace. */
export function actionFor(eventSource: string, eventName: string): Action | null {
  return BY_SOURCE_AND_NAME.get(`${eventSource.trim()}|${eventName.trim()}`) ?? null;
}

export function isLifecycleAction(value: string): value is LifecycleAction {
  return (LIFECYCLE_ACTIONS as readonly string[]).includes(value);
}

export function isTrailAction(value: string): value is TrailAction {
  return (TRAIL_ACTIONS as readonly string[]).includes(value);
}

export function isAction(value: string): value is Action {
  return isLifecycleAction(value) || isTrailAction(value) || value === SERVICE_CHANGE || value === REMEDIATE;
}
