/**
 * The resources a service acts for, and the keys that link a service's call to the person's call
 * that caused it. A key names one resource in one account and region: `type|account|region|id`.
 */

/** What a service acted for (README: "Who is behind the service"). */
export const RESOURCE_TYPES = [
  'auto-scaling-group',
  'cloudformation-stack',
  'cloudformation-stackset',
  'eks-nodegroup',
  'ec2-fleet',
  'spot-fleet',
  'spot-request',
  'karpenter-nodepool',
  'beanstalk-environment',
  'emr-cluster',
  'instance',
  'other',
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export interface ResourceRef {
  readonly type: ResourceType;
  readonly id: string;
}

/** Where a call happened: resource names are unique per account and region. */
export interface Place {
  readonly account: string | null;
  readonly region: string | null;
}

/**
 * A StackSet is named in its administrator account but launches in member accounts; its key
 * leaves both out, so a member account's launch finds the administrator's call.
 */
const PLACELESS: ReadonlySet<ResourceType> = new Set(['cloudformation-stackset']);

export function resourceKey(ref: ResourceRef, place: Place): string {
  if (PLACELESS.has(ref.type)) return `${ref.type}|*|*|${ref.id}`;
  return `${ref.type}|${place.account ?? '?'}|${place.region ?? '?'}|${ref.id}`;
}

/** The resource a key names, or null for a string that is not a key. */
export function refOfKey(key: string): ResourceRef | null {
  const parts = key.split('|');
  if (parts.length < 4) return null;
  const type = RESOURCE_TYPES.find((t) => t === parts[0]);
  return type ? { type, id: parts.slice(3).join('|') } : null;
}

const STACK_ARN = /^arn:aws[a-z-]*:cloudformation:[^:]*:\d*:stack\/([^/]+)\//;
const STACKSET_STACK = /^StackSet-(.+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A stack's name, from its name or its ARN (`arn:…:stack/NAME/uuid`): both sides of a link use it. */
export function stackName(nameOrArn: string): string {
  return STACK_ARN.exec(nameOrArn)?.[1] ?? nameOrArn;
}

/** The StackSet a stack instance belongs to (`StackSet-<set>-<uuid>`), or null. */
export function stackSetOf(name: string): string | null {
  return STACKSET_STACK.exec(name)?.[1] ?? null;
}

/** How each resource type is named in a sentence ("auto-scaling group web-asg"). */
export const RESOURCE_NOUNS: { readonly [T in ResourceType]: string } = {
  'auto-scaling-group': 'auto-scaling group',
  'cloudformation-stack': 'stack',
  'cloudformation-stackset': 'StackSet',
  'eks-nodegroup': 'EKS node group',
  'ec2-fleet': 'EC2 Fleet',
  'spot-fleet': 'Spot Fleet',
  'spot-request': 'Spot request',
  'karpenter-nodepool': 'Karpenter node pool',
  'beanstalk-environment': 'Elastic Beanstalk environment',
  'emr-cluster': 'EMR cluster',
  instance: 'instance',
  other: 'resource',
};

export function describeResource(type: ResourceType, id: string | null): string {
  return id === null ? `an unnamed ${RESOURCE_NOUNS[type]}` : `${RESOURCE_NOUNS[type]} ${id}`;
}
