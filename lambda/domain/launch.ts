/** What a RunInstances call asked for, read from the request and, per instance, the response. */

import { at, bool, isObject, items, num, prop, str } from './json';

export interface LaunchTemplateRef {
  readonly id: string | null;
  readonly name: string | null;
  readonly version: string | null;
}

export interface LaunchDetails {
  readonly instanceType: string | null;
  readonly imageId: string | null;
  readonly keyName: string | null;
  readonly subnetId: string | null;
  readonly vpcId: string | null;
  readonly availabilityZone: string | null;
  readonly privateIpAddress: string | null;
  readonly minCount: number | null;
  readonly maxCount: number | null;
  /**
   * How many instances this request launched: the instances in the response, or, when CloudTrail
   * omitted the response (large launches), the request's `maxCount` (then `instanceIdsUnknown`).
   */
  readonly instanceCount: number;
  /** True when the launch succeeded but CloudTrail did not record which instances it created. */
  readonly instanceIdsUnknown: boolean;
  /**
   * Tags the instance got: the response's `tagSet` (request and launch template tags alike),
   * or the request's `tagSpecificationSet` when the response has none.
   */
  readonly tags: Readonly<Record<string, string>>;
  readonly launchTemplate: LaunchTemplateRef | null;
  /** `spot` or `capacity-block` when requested through market options, else null (on-demand). */
  readonly marketType: string | null;
  readonly spotOptions: Readonly<Record<string, unknown>> | null;
  /** IMDS `httpTokens`: `required` means IMDSv2 only. Null when neither request nor response say. */
  readonly httpTokens: string | null;
  /** True when any network interface asks for a public IP; null when the request leaves it to the subnet. */
  readonly associatePublicIp: boolean | null;
  /** False when any requested EBS volume is explicitly unencrypted; null when left to the account default. */
  readonly ebsEncrypted: boolean | null;
  readonly unencryptedVolumes: readonly string[];
  readonly autoScalingGroup: string | null;
  readonly clientToken: string | null;
  /** True for EC2 Fleet launches (client token `fleet-…`). */
  readonly fleet: boolean;
  readonly iamInstanceProfile: string | null;
  /**
   * Resources created with this instance that the response names: its network interfaces, and
   * its EBS volumes when the response lists them (it usually does not: they attach after).
   */
  readonly createdWith: {
    readonly networkInterfaces: readonly string[];
    readonly volumes: readonly string[];
  };
  /** Tag keys the request gave volumes and network interfaces (`tagSpecificationSet`); the instance's are in `tags`. */
  readonly tagKeysAtLaunch: {
    readonly volume: readonly string[];
    readonly networkInterface: readonly string[];
  };
}

function requestedTags(request: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const spec of items(prop(request, 'tagSpecificationSet'))) {
    const resourceType = str(prop(spec, 'resourceType'));
    if (resourceType !== null && resourceType !== 'instance') continue;
    const list = prop(spec, 'tags');
    for (const tag of Array.isArray(list) ? list : items(list)) {
      const key = str(prop(tag, 'key'));
      const value = prop(tag, 'value');
      if (key !== null) tags[key] = typeof value === 'string' ? value : '';
    }
  }
  return tags;
}

/** Keys the request tags a resource type with. */
function requestedTagKeys(request: unknown, resourceType: string): string[] {
  const keys: string[] = [];
  for (const spec of items(prop(request, 'tagSpecificationSet'))) {
    if (str(prop(spec, 'resourceType')) !== resourceType) continue;
    const list = prop(spec, 'tags');
    for (const tag of Array.isArray(list) ? list : items(list)) {
      const key = str(prop(tag, 'key'));
      if (key !== null) keys.push(key);
    }
  }
  return keys;
}

/** The ids at `field` of each item of the response item's `set`. */
function idsIn(set: unknown, read: (item: unknown) => unknown): string[] {
  return items(set).flatMap((item) => {
    const id = str(read(item));
    return id === null ? [] : [id];
  });
}

/** The `tagSet` of a response item, or null when the response carries none. */
function responseTags(instance: unknown): Record<string, string> | null {
  const set = prop(instance, 'tagSet');
  if (!isObject(set)) return null;
  const tags: Record<string, string> = {};
  for (const tag of items(set)) {
    const key = str(prop(tag, 'key'));
    const value = prop(tag, 'value');
    if (key !== null) tags[key] = typeof value === 'string' ? value : '';
  }
  return tags;
}

function publicIpRequest(request: unknown): boolean | null {
  let answer: boolean | null = null;
  for (const nic of items(prop(request, 'networkInterfaceSet'))) {
    const value = bool(prop(nic, 'associatePublicIpAddress'));
    if (value === true) return true;
    if (value === false) answer = false;
  }
  return answer;
}

function ebsEncryption(request: unknown): { encrypted: boolean | null; unencrypted: string[] } {
  const unencrypted: string[] = [];
  let sawEncrypted = false;
  for (const mapping of items(prop(request, 'blockDeviceMapping'))) {
    const ebs = prop(mapping, 'ebs');
    if (!isObject(ebs)) continue;
    const encrypted = bool(ebs.encrypted);
    if (encrypted === false) unencrypted.push(str(prop(mapping, 'deviceName')) ?? '(unnamed device)');
    if (encrypted === true) sawEncrypted = true;
  }
  if (unencrypted.length > 0) return { encrypted: false, unencrypted };
  return { encrypted: sawEncrypted ? true : null, unencrypted };
}

function launchTemplate(request: unknown): LaunchTemplateRef | null {
  const template = prop(request, 'launchTemplate');
  if (!isObject(template)) return null;
  const version = template.version;
  return {
    id: str(template.launchTemplateId),
    name: str(template.launchTemplateName),
    version: typeof version === 'number' ? String(version) : str(version),
  };
}

/**
 * Launch details for one instance of a RunInstances call; `instance` is its response item, if
 * any, `launched` the number of instances in the response (0 when it was omitted), and
 * `succeeded` false for a refused launch (which created nothing).
 */
export function readLaunch(
  request: unknown,
  instance: unknown,
  launched: number,
  succeeded = true,
): LaunchDetails {
  const requested = items(prop(request, 'instancesSet'))[0];
  // What the instance got wins over what was asked: a launch template adds its own tags.
  const tags = responseTags(instance) ?? requestedTags(request);
  const minCount = num(prop(requested, 'minCount'));
  const maxCount = num(prop(requested, 'maxCount'));
  const idsUnknown = succeeded && launched === 0;
  const ebs = ebsEncryption(request);
  const clientToken = str(prop(request, 'clientToken')) ?? str(prop(instance, 'clientToken'));
  const market = prop(request, 'instanceMarketOptions');
  const spotOptions = prop(market, 'spotOptions');
  const lifecycle = str(prop(instance, 'instanceLifecycle'));
  const profile = prop(request, 'iamInstanceProfile');
  return {
    instanceType: str(prop(instance, 'instanceType')) ?? str(prop(request, 'instanceType')),
    imageId:
      str(prop(instance, 'imageId')) ?? str(prop(requested, 'imageId')) ?? str(prop(request, 'imageId')),
    keyName:
      str(prop(instance, 'keyName')) ?? str(prop(requested, 'keyName')) ?? str(prop(request, 'keyName')),
    subnetId:
      str(prop(instance, 'subnetId')) ??
      str(prop(request, 'subnetId')) ??
      str(prop(items(prop(request, 'networkInterfaceSet'))[0], 'subnetId')),
    vpcId: str(prop(instance, 'vpcId')),
    availabilityZone:
      str(at(instance, 'placement', 'availabilityZone')) ??
      str(prop(request, 'availabilityZone')) ??
      str(at(request, 'placement', 'availabilityZone')),
    privateIpAddress: str(prop(instance, 'privateIpAddress')),
    minCount,
    maxCount,
    // Without the response, the request's upper bound: a policy must not see a 500-instance launch as none.
    instanceCount: idsUnknown ? Math.max(0, maxCount ?? minCount ?? 0) : launched,
    instanceIdsUnknown: idsUnknown,
    tags,
    launchTemplate: launchTemplate(request),
    marketType: str(prop(market, 'marketType')) ?? (lifecycle === 'spot' ? 'spot' : null),
    spotOptions: isObject(spotOptions) ? spotOptions : null,
    // The response shows what the instance really got (template and account defaults included).
    httpTokens:
      str(at(instance, 'metadataOptions', 'httpTokens')) ?? str(at(request, 'metadataOptions', 'httpTokens')),
    associatePublicIp: publicIpRequest(request),
    ebsEncrypted: ebs.encrypted,
    unencryptedVolumes: ebs.unencrypted,
    autoScalingGroup: tags['aws:autoscaling:groupName'] ?? null,
    clientToken,
    fleet: clientToken?.startsWith('fleet-') ?? false,
    iamInstanceProfile: str(prop(profile, 'name')) ?? str(prop(profile, 'arn')),
    createdWith: {
      networkInterfaces: idsIn(prop(instance, 'networkInterfaceSet'), (nic) =>
        prop(nic, 'networkInterfaceId'),
      ),
      volumes: idsIn(prop(instance, 'blockDeviceMapping'), (mapping) => at(mapping, 'ebs', 'volumeId')),
    },
    tagKeysAtLaunch: {
      volume: requestedTagKeys(request, 'volume'),
      networkInterface: requestedTagKeys(request, 'network-interface'),
    },
  };
}
