/** The EC2 lifecycle calls ec2trail attributes, and how CloudTrail names them. */

export const LIFECYCLE_ACTIONS = ['launch', 'start', 'stop', 'terminate', 'reboot', 'connect'] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

export interface ActionEvent {
  readonly eventSource: string;
  readonly eventName: string;
}

export const EC2_SOURCE = 'ec2.amazonaws.com';
export const INSTANCE_CONNECT_SOURCE = 'ec2-instance-connect.amazonaws.com';

export const ACTION_EVENTS: { readonly [A in LifecycleAction]: ActionEvent } = {
  launch: { eventSource: EC2_SOURCE, eventName: 'RunInstances' },
  start: { eventSource: EC2_SOURCE, eventName: 'StartInstances' },
  stop: { eventSource: EC2_SOURCE, eventName: 'StopInstances' },
  terminate: { eventSource: EC2_SOURCE, eventName: 'TerminateInstances' },
  reboot: { eventSource: EC2_SOURCE, eventName: 'RebootInstances' },
  connect: { eventSource: INSTANCE_CONNECT_SOURCE, eventName: 'SendSSHPublicKey' },
};

/** Actions that a deployment can never switch off: without them attribution has no meaning. */
export const MANDATORY_ACTIONS: readonly LifecycleAction[] = ['launch', 'stop', 'terminate'];

const BY_SOURCE_AND_NAME = new Map<string, LifecycleAction>(
  LIFECYCLE_ACTIONS.map((action) => [
    `${ACTION_EVENTS[action].eventSource}|${ACTION_EVENTS[action].eventName}`,
    action,
  ]),
);

/** The lifecycle action of a call, or null; names are compared after trimming stray whitespace. */
export function actionFor(eventSource: string, eventName: string): LifecycleAction | null {
  return BY_SOURCE_AND_NAME.get(`${eventSource.trim()}|${eventName.trim()}`) ?? null;
}

export function isLifecycleAction(value: string): value is LifecycleAction {
  return (LIFECYCLE_ACTIONS as readonly string[]).includes(value);
}
