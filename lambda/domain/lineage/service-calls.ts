/**
 * The calls that cause service launches and terminations (README: "Who is behind the service"):
 * a person changes an Auto Scaling group, a stack, a node group, a fleet, an environment or a
 * cluster, and the service then launches or terminates instances for it.
 */

import { isObject } from '../json';
import { type ResourceRef, type ResourceType, stackName } from './resources';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface ServiceCall {
  readonly eventSource: string;
  readonly eventName: string;
  readonly resource: ResourceType;
  /** How long after the call a launch or termination on its resource counts as its consequence. */
  readonly windowMs: number;
  /** What the caller did, for sentences ("alice set the capacity of auto-scaling group web-asg"). */
  readonly verb: string;
  /** The resources the call changed, read from its request and response. */
  readonly refs: (request: unknown, response: unknown) => ResourceRef[];
}

// CloudTrail writes EC2's query API as nested objects whose shape varies by call and by year
// (`{"DeleteFleetsRequest":{"FleetId":{"content":"fleet-…","tag":1}}}`): ids are found by their
// format wherever they are, within a bounded walk.
const MAX_DEPTH = 6;
const MAX_VALUES = 2_000;

function walk(value: unknown, visit: (key: string, value: unknown) => void): void {
  let budget = MAX_VALUES;
  const step = (node: unknown, key: string, depth: number): void => {
    if (budget-- <= 0 || depth > MAX_DEPTH) return;
    visit(key, node);
    if (Array.isArray(node)) for (const item of node) step(item, key, depth + 1);
    else if (isObject(node)) for (const [k, v] of Object.entries(node)) step(v, k, depth + 1);
  };
  step(value, '', 0);
}

/** Every string in `values` that matches `format`, in order, once. */
function idsMatching(format: RegExp, ...values: unknown[]): string[] {
  const found = new Set<string>();
  for (const value of values)
    walk(value, (_key, node) => {
      if (typeof node === 'string' && format.test(node)) found.add(node);
    });
  return [...found];
}

/** Every string under a key named one of `keys` (any case), in order, once. */
export function stringsUnder(keys: readonly string[], ...values: unknown[]): string[] {
  const wanted = new Set(keys.map((k) => k.toLowerCase()));
  const found = new Set<string>();
  for (const value of values)
    walk(value, (key, node) => {
      if (typeof node === 'string' && node.length > 0 && wanted.has(key.toLowerCase())) found.add(node);
    });
  return [...found];
}

const refs = (type: ResourceType, ids: readonly string[]): ResourceRef[] => ids.map((id) => ({ type, id }));

const autoScaling = (request: unknown, response: unknown) =>
  refs('auto-scaling-group', stringsUnder(['autoScalingGroupName'], request, response));

const stack = (request: unknown, response: unknown) =>
  refs('cloudformation-stack', [
    ...new Set(stringsUnder(['stackName', 'stackId'], request, response).map(stackName)),
  ]);

const stackSet = (request: unknown) =>
  refs('cloudformation-stackset', stringsUnder(['stackSetName'], request));

function nodegroup(request: unknown, response: unknown): ResourceRef[] {
  // EKS writes the cluster as the path parameter `name`, or as `clusterName`.
  const cluster =
    stringsUnder(['clusterName'], request)[0] ??
    (isObject(request) && typeof request.name === 'string' ? request.name : null) ??
    stringsUnder(['clusterName'], response)[0] ??
    null;
  const group = stringsUnder(['nodegroupName'], request, response)[0] ?? null;
  return group === null ? [] : [{ type: 'eks-nodegroup', id: `${cluster ?? '?'}/${group}` }];
}

const FLEET_ID = /^fleet-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SPOT_FLEET_ID = /^sfr-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SPOT_REQUEST_ID = /^sir-[0-9a-z]{8,}$/;
const EMR_CLUSTER_ID = /^j-[0-9A-Z]{8,}$/;

const fleet = (request: unknown, response: unknown) =>
  refs('ec2-fleet', idsMatching(FLEET_ID, request, response));
const spotFleet = (request: unknown, response: unknown) =>
  refs('spot-fleet', idsMatching(SPOT_FLEET_ID, request, response));
const spotRequest = (request: unknown, response: unknown) =>
  refs('spot-request', idsMatching(SPOT_REQUEST_ID, request, response));
const emr = (request: unknown, response: unknown) =>
  refs('emr-cluster', idsMatching(EMR_CLUSTER_ID, request, response));

function environment(request: unknown, response: unknown): ResourceRef[] {
  // An environment is named by name or by id (e-…); launches carry both as tags, so both link.
  return refs('beanstalk-environment', [
    ...stringsUnder(['environmentName'], request, response),
    ...stringsUnder(['environmentId'], request, response),
  ]);
}

type Row = readonly [
  name: string,
  resource: ResourceType,
  verb: string,
  read: ServiceCall['refs'],
  windowMs?: number,
];

function calls(eventSource: string, rows: readonly Row[]): ServiceCall[] {
  return rows.map(([eventName, resource, verb, read, windowMs]) => ({
    eventSource,
    eventName,
    resource,
    verb,
    refs: read,
    windowMs: windowMs ?? HOUR,
  }));
}

/**
 * Every watched cause, with the window in which it explains a launch or termination. An hour
 * covers what a capacity change sets off; instance refreshes and stack operations run longer.
 */
export const SERVICE_CALLS: readonly ServiceCall[] = [
  ...calls('autoscaling.amazonaws.com', [
    ['CreateAutoScalingGroup', 'auto-scaling-group', 'created', autoScaling],
    ['UpdateAutoScalingGroup', 'auto-scaling-group', 'updated', autoScaling],
    ['SetDesiredCapacity', 'auto-scaling-group', 'set the capacity of', autoScaling],
    ['DeleteAutoScalingGroup', 'auto-scaling-group', 'deleted', autoScaling],
    [
      'TerminateInstanceInAutoScalingGroup',
      'auto-scaling-group',
      'terminated an instance of',
      (request, response) => [
        ...autoScaling(request, response),
        ...refs('instance', stringsUnder(['instanceId'], request)),
      ],
    ],
    ['StartInstanceRefresh', 'auto-scaling-group', 'started an instance refresh of', autoScaling, 12 * HOUR],
    ['AttachInstances', 'auto-scaling-group', 'attached instances to', autoScaling],
    ['DetachInstances', 'auto-scaling-group', 'detached instances from', autoScaling],
    ['ExecutePolicy', 'auto-scaling-group', 'ran a scaling policy of', autoScaling],
  ]),
  ...calls('cloudformation.amazonaws.com', [
    ['CreateStack', 'cloudformation-stack', 'created', stack, 2 * HOUR],
    ['UpdateStack', 'cloudformation-stack', 'updated', stack, 2 * HOUR],
    ['DeleteStack', 'cloudformation-stack', 'deleted', stack, 2 * HOUR],
    ['ExecuteChangeSet', 'cloudformation-stack', 'executed a change set on', stack, 2 * HOUR],
    ['CreateStackInstances', 'cloudformation-stackset', 'deployed', stackSet, 2 * HOUR],
    ['UpdateStackInstances', 'cloudformation-stackset', 'updated the instances of', stackSet, 2 * HOUR],
    ['DeleteStackInstances', 'cloudformation-stackset', 'removed instances of', stackSet, 2 * HOUR],
  ]),
  ...calls('eks.amazonaws.com', [
    ['CreateNodegroup', 'eks-nodegroup', 'created', nodegroup],
    ['UpdateNodegroupConfig', 'eks-nodegroup', 'changed the scaling of', nodegroup],
    ['UpdateNodegroupVersion', 'eks-nodegroup', 'upgraded', nodegroup, 12 * HOUR],
    ['DeleteNodegroup', 'eks-nodegroup', 'deleted', nodegroup],
  ]),
  ...calls('ec2.amazonaws.com', [
    ['CreateFleet', 'ec2-fleet', 'created', fleet],
    ['ModifyFleet', 'ec2-fleet', 'modified', fleet],
    ['DeleteFleets', 'ec2-fleet', 'deleted', fleet],
    ['RequestSpotFleet', 'spot-fleet', 'requested', spotFleet],
    ['ModifySpotFleetRequest', 'spot-fleet', 'modified', spotFleet],
    ['CancelSpotFleetRequests', 'spot-fleet', 'cancelled', spotFleet],
    ['RequestSpotInstances', 'spot-request', 'requested', spotRequest],
    ['CancelSpotInstanceRequests', 'spot-request', 'cancelled', spotRequest],
  ]),
  ...calls('elasticbeanstalk.amazonaws.com', [
    ['CreateEnvironment', 'beanstalk-environment', 'created', environment],
    ['UpdateEnvironment', 'beanstalk-environment', 'updated', environment],
    ['RebuildEnvironment', 'beanstalk-environment', 'rebuilt', environment],
    ['TerminateEnvironment', 'beanstalk-environment', 'terminated', environment],
  ]),
  ...calls('elasticmapreduce.amazonaws.com', [
    ['RunJobFlow', 'emr-cluster', 'started', emr],
    ['TerminateJobFlows', 'emr-cluster', 'terminated', emr],
    ['ModifyInstanceGroups', 'emr-cluster', 'resized', emr],
    ['AddInstanceGroups', 'emr-cluster', 'added instance groups to', emr],
  ]),
];

const BY_SOURCE_AND_NAME = new Map(SERVICE_CALLS.map((c) => [`${c.eventSource}|${c.eventName}`, c]));

/** The watched cause a CloudTrail call is, or null. */
export function serviceCallFor(eventSource: string, eventName: string): ServiceCall | null {
  return BY_SOURCE_AND_NAME.get(`${eventSource.trim()}|${eventName.trim()}`) ?? null;
}

/** The longest window of any cause: how far after a late cause its effects are looked for. */
export const MAX_CAUSE_WINDOW_MS = Math.max(...SERVICE_CALLS.map((c) => c.windowMs));

/** The window of a call by name, for causes read back from the table. */
export function windowOf(eventSource: string, eventName: string): number {
  return serviceCallFor(eventSource, eventName)?.windowMs ?? HOUR;
}
