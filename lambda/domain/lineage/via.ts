/** Which service made a call, and what it acted for: read from the caller, the user agent and the tags. */

import type { Actor } from '../identity';
import { isObject, items, prop, str } from '../json';
import { type ResourceRef, type ResourceType, stackName, stackSetOf } from './resources';

export interface Via {
  /** The service that made the call (`autoscaling.amazonaws.com`, `karpenter.sh`). */
  readonly service: string;
  readonly resourceType: ResourceType;
  /** The resource's name, id or ARN as the trail gives it; null when the trail does not say. */
  readonly resourceId: string | null;
}

const SERVICE_DOMAIN = /^[a-z0-9-]+\.amazonaws\.com$/;
/** Services that carry a person's call without acting for a resource: the console, sign-in, Session Manager. */
const NOT_ACTING_FOR = /^(?:console(?:\.[a-z0-9-]+)?|signin|ssm)\.amazonaws\.com$/;

/**
 * The service behind a call, or null for a direct call: a service principal, a principal whose
 * call a service made (`invokedBy`), a service's user agent, or Karpenter, which calls EC2 with
 * its controller's role and says so in its user agent.
 */
export function serviceBehind(actor: Actor, userAgent: string | null): string | null {
  if (actor.kind === 'service') return actor.invokedBy ?? actor.name;
  const invokedBy = actor.invokedBy;
  if (invokedBy && SERVICE_DOMAIN.test(invokedBy) && !NOT_ACTING_FOR.test(invokedBy)) return invokedBy;
  const agent = userAgent?.trim() ?? '';
  if (SERVICE_DOMAIN.test(agent) && !NOT_ACTING_FOR.test(agent)) return agent;
  if (/karpenter/i.test(agent)) return 'karpenter.sh';
  return null;
}

/** The resource type each service launches for, when its tags name several. */
const SERVICE_RESOURCE: Readonly<Record<string, ResourceType>> = {
  'autoscaling.amazonaws.com': 'auto-scaling-group',
  'cloudformation.amazonaws.com': 'cloudformation-stack',
  'eks.amazonaws.com': 'eks-nodegroup',
  'eks-nodegroup.amazonaws.com': 'eks-nodegroup',
  'ec2fleet.amazonaws.com': 'ec2-fleet',
  'spotfleet.amazonaws.com': 'spot-fleet',
  'spot.amazonaws.com': 'spot-request',
  'elasticbeanstalk.amazonaws.com': 'beanstalk-environment',
  'elasticmapreduce.amazonaws.com': 'emr-cluster',
  'karpenter.sh': 'karpenter-nodepool',
};

export function resourceTypeOf(service: string): ResourceType {
  return SERVICE_RESOURCE[service] ?? 'other';
}

/**
 * Tags in any of the shapes CloudTrail records them: EC2's `tagSpecificationSet` (instances only),
 * a response `tagSet`, Auto Scaling's `tags` list, EKS's `tags` map, EC2 Fleet's `TagSpecification`.
 */
export function readTags(...sources: unknown[]): Record<string, string> {
  const tags: Record<string, string> = {};
  const add = (key: unknown, value: unknown) => {
    const k = str(key);
    if (k !== null) tags[k] = typeof value === 'string' ? value : '';
  };
  const addList = (list: unknown) => {
    for (const tag of Array.isArray(list) ? list : items(list)) {
      add(prop(tag, 'key') ?? prop(tag, 'Key'), prop(tag, 'value') ?? prop(tag, 'Value'));
    }
  };
  for (const source of sources) {
    if (!isObject(source)) continue;
    for (const specs of [source.tagSpecificationSet, source.TagSpecification, source.tagSpecifications]) {
      const list = Array.isArray(specs)
        ? specs
        : isObject(specs) && !('items' in specs)
          ? [specs]
          : items(specs);
      for (const spec of list) {
        const type = str(prop(spec, 'resourceType')) ?? str(prop(spec, 'ResourceType'));
        if (type !== null && type !== 'instance') continue;
        const inner = prop(spec, 'tags') ?? prop(spec, 'Tag') ?? prop(spec, 'Tags');
        addList(isObject(inner) && !('items' in inner) ? [inner] : inner);
      }
    }
    if (isObject(source.tagSet)) addList(source.tagSet);
    const plain = source.tags;
    if (Array.isArray(plain) || (isObject(plain) && Array.isArray(plain.items))) addList(plain);
    else if (isObject(plain)) for (const [k, v] of Object.entries(plain)) add(k, v);
  }
  return tags;
}

/**
 * The resources a call's tags say it belongs to, innermost first: the fleet that launched it,
 * the group or node pool that asked for it, the node group, environment, cluster or stack
 * that made the group.
 */
export function resourcesInTags(tags: Readonly<Record<string, string>>): ResourceRef[] {
  const refs: ResourceRef[] = [];
  const add = (type: ResourceType, id: string | undefined) => {
    if (id) refs.push({ type, id });
  };
  add('ec2-fleet', tags['aws:ec2:fleet-id']);
  add('spot-fleet', tags['aws:ec2spot:fleet-request-id']);
  add('karpenter-nodepool', tags['karpenter.sh/nodepool'] ?? tags['karpenter.sh/provisioner-name']);
  add('auto-scaling-group', tags['aws:autoscaling:groupName']);
  const group = tags['eks:nodegroup-name'];
  if (group) add('eks-nodegroup', `${tags['eks:cluster-name'] ?? '?'}/${group}`);
  add('beanstalk-environment', tags['elasticbeanstalk:environment-name']);
  add('beanstalk-environment', tags['elasticbeanstalk:environment-id']);
  add('emr-cluster', tags['aws:elasticmapreduce:job-flow-id']);
  const stack = tags['aws:cloudformation:stack-name'] ?? tags['aws:cloudformation:stack-id'];
  if (stack) {
    const name = stackName(stack);
    add('cloudformation-stack', name);
    add('cloudformation-stackset', stackSetOf(name) ?? undefined);
  }
  return refs;
}

/** The service that owns each kind of resource, for a launch made through another service. */
const RESOURCE_SERVICE: Readonly<Partial<Record<ResourceType, string>>> = Object.fromEntries(
  Object.entries(SERVICE_RESOURCE)
    .filter(([service]) => service !== 'eks-nodegroup.amazonaws.com')
    .map(([service, type]) => [type, service]),
);

/**
 * What the service acted for: the resource of its own kind if the tags name one, else the
 * innermost. An EC2 Fleet of type `instant` has no id in its instances' tags; when the tags name
 * who asked for the fleet (a Karpenter NodePool, an Auto Scaling group), the launch is theirs.
 */
export function viaOf(service: string, refs: readonly ResourceRef[]): Via {
  const type = resourceTypeOf(service);
  const own = refs.find((r) => r.type === type);
  if (own) return { service, resourceType: own.type, resourceId: own.id };
  const inner = refs[0];
  if (type === 'other' && inner) return { service, resourceType: inner.type, resourceId: inner.id };
  if (type === 'ec2-fleet' && inner)
    return {
      service: RESOURCE_SERVICE[inner.type] ?? service,
      resourceType: inner.type,
      resourceId: inner.id,
    };
  return { service, resourceType: type, resourceId: null };
}
