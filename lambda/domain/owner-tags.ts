/**
 * Owner tags: which tags a launch's resources get, with which values, in which CreateTags calls.
 * Pure: the adapter only sends what this plans. Values follow the tag rules AWS documents for
 * every service ("Tag restrictions"): at most 256 characters of letters, digits, spaces and
 * `_ . : / = + - @`, and no `aws:` prefix.
 */

import { personProof } from './identity';
import { isVerifiedPerson } from './lineage/link';
import type { AttributionRecord } from './record';
import { sanitizeTagValue, type Tag } from './tags';

/** What a tag's value says. */
export const OWNER_TAG_SOURCES = ['person', 'caller', 'via', 'time'] as const;
export type OwnerTagSource = (typeof OWNER_TAG_SOURCES)[number];

export interface OwnerTagSettings {
  /** Tag key → what its value says. */
  readonly tags: Readonly<Record<string, OwnerTagSource>>;
  /** Replace a tag the resource already has. */
  readonly overwrite: boolean;
}

/** The tags `ownerTags: {}` writes. */
export const DEFAULT_OWNER_TAGS: Readonly<Record<string, OwnerTagSource>> = {
  Owner: 'person',
  LaunchedBy: 'caller',
  LaunchedVia: 'via',
  LaunchedAt: 'time',
};

/** One CreateTags call: these tags on these resources. */
export interface TagCall {
  readonly resources: readonly string[];
  readonly tags: readonly Tag[];
}

export interface OwnerTagPlan {
  readonly eventKey: string;
  readonly account: string | null;
  readonly region: string | null;
  /** Usually one call; more only when resources already carry different ones of the keys. */
  readonly calls: readonly TagCall[];
  /** Tags left alone because the resource got them at launch (`overwrite` off). */
  readonly kept: readonly { readonly resource: string; readonly key: string }[];
}

/** CreateTags takes up to 1,000 resource ids in one call (EC2 API reference). */
export const CREATE_TAGS_MAX_RESOURCES = 1000;
/**
 * The person behind the launch: its initiator when known (a service's launch), else its caller;
 * only a verified one (a name the caller chose is not written on the instance as its owner).
 */
function person(record: AttributionRecord): string | null {
  if (record.initiator) {
    if (!isVerifiedPerson(record.initiator)) return null;
    return record.initiator.name ?? record.initiator.arn;
  }
  if (personProof(record.actor)?.verified === false) return null;
  return record.actor.name ?? record.actor.arn;
}

function tagValue(record: AttributionRecord, source: OwnerTagSource): string | null {
  switch (source) {
    case 'person':
      return person(record);
    case 'caller':
      return record.actor.arn ?? record.actor.name;
    case 'via':
      if (record.via === null) return null;
      return record.via.resourceId === null
        ? record.via.service
        : `${record.via.resourceType}/${record.via.resourceId}`;
    case 'time':
      return record.eventTime;
  }
}

/** Tags one record's instance would get: keys with a value, values sanitized. */
export function ownerTagsOf(record: AttributionRecord, settings: OwnerTagSettings): Tag[] {
  const tags: Tag[] = [];
  for (const [key, source] of Object.entries(settings.tags)) {
    const value = tagValue(record, source);
    if (value === null || value === '') continue;
    const clean = sanitizeTagValue(value);
    if (clean !== '') tags.push({ key, value: clean });
  }
  return tags;
}

/**
 * The CreateTags calls for one launch event's records (one per instance): the instances, their
 * network interfaces and the volumes the response names. Without `overwrite`, a key a resource got
 * at launch is not written to it. Null when there is nothing to tag: a failed or refused launch, a
 * launch whose response CloudTrail omitted, another action, or no tag with a value.
 */
export function planOwnerTags(
  records: readonly AttributionRecord[],
  settings: OwnerTagSettings,
): OwnerTagPlan | null {
  const launches = records.filter(
    (r) => r.action === 'launch' && r.outcome === 'success' && r.instanceId !== null && r.launch !== null,
  );
  const first = launches[0];
  if (!first) return null;
  // Every record of one event has the same caller, initiator and time: the tags are the same.
  const tags = ownerTagsOf(first, settings);
  if (tags.length === 0) return null;

  const present = new Map<string, readonly string[]>();
  const resources: string[] = [];
  for (const record of launches) {
    const launch = record.launch;
    if (!launch || record.instanceId === null) continue;
    resources.push(record.instanceId);
    present.set(record.instanceId, Object.keys(launch.tags));
    for (const nic of launch.createdWith.networkInterfaces) {
      resources.push(nic);
      present.set(nic, launch.tagKeysAtLaunch.networkInterface);
    }
    for (const volume of launch.createdWith.volumes) {
      resources.push(volume);
      present.set(volume, launch.tagKeysAtLaunch.volume);
    }
  }

  const kept: { resource: string; key: string }[] = [];
  // Resources that need the same tags share a call.
  const byTags = new Map<string, { resources: string[]; tags: Tag[] }>();
  for (const resource of new Set(resources)) {
    const had = settings.overwrite ? [] : (present.get(resource) ?? []);
    const wanted = tags.filter((tag) => {
      if (!had.includes(tag.key)) return true;
      kept.push({ resource, key: tag.key });
      return false;
    });
    if (wanted.length === 0) continue;
    const signature = wanted.map((t) => t.key).join('\n');
    const call = byTags.get(signature) ?? { resources: [], tags: wanted };
    call.resources.push(resource);
    byTags.set(signature, call);
  }
  const calls: TagCall[] = [];
  for (const call of byTags.values()) {
    for (let i = 0; i < call.resources.length; i += CREATE_TAGS_MAX_RESOURCES)
      calls.push({ resources: call.resources.slice(i, i + CREATE_TAGS_MAX_RESOURCES), tags: call.tags });
  }
  return { eventKey: first.eventKey, account: first.account, region: first.region, calls, kept };
}

/** What one launched instance's owner tags would be: shown by `inspect --json` and `replay`. */
export interface InstanceOwnerTags {
  /** Key → value, as the instance would get them (keys it launched with are left out without `overwrite`). */
  readonly tags: Readonly<Record<string, string>>;
  /** The instance and the interfaces and volumes created with it that get at least one tag. */
  readonly resources: readonly string[];
  /** Keys a resource already had at launch, left as they were. */
  readonly kept: readonly { readonly resource: string; readonly key: string }[];
}

/**
 * The plan of one event, told per instance: which of the planned tags its own resources get.
 * The same planner as the function's, so a preview cannot disagree with what would be written.
 */
export function ownerTagsPerInstance(
  records: readonly AttributionRecord[],
  settings: OwnerTagSettings,
): ReadonlyMap<string, InstanceOwnerTags> {
  const plan = planOwnerTags(records, settings);
  const view = new Map<string, InstanceOwnerTags>();
  if (!plan) return view;
  for (const record of records) {
    const launch = record.launch;
    if (record.action !== 'launch' || record.outcome !== 'success' || !launch || record.instanceId === null)
      continue;
    const own = new Set([
      record.instanceId,
      ...launch.createdWith.networkInterfaces,
      ...launch.createdWith.volumes,
    ]);
    const tags: Record<string, string> = {};
    const resources = new Set<string>();
    for (const call of plan.calls) {
      const mine = call.resources.filter((r) => own.has(r));
      if (mine.length === 0) continue;
      for (const r of mine) resources.add(r);
      if (mine.includes(record.instanceId)) for (const tag of call.tags) tags[tag.key] = tag.value;
    }
    view.set(record.instanceId, {
      tags,
      resources: [...resources],
      kept: plan.kept.filter((k) => own.has(k.resource)),
    });
  }
  return view;
}

/**
 * A plan made from a launch's event, held against the tags its resources have now (history:
 * people may have tagged them since). Without `overwrite`, a key a resource has now is kept; the
 * calls are regrouped so resources needing the same tags still share one.
 */
export function planAgainstCurrentTags(
  plan: OwnerTagPlan,
  current: ReadonlyMap<string, ReadonlySet<string>>,
  overwrite: boolean,
): {
  readonly calls: readonly TagCall[];
  readonly kept: readonly { readonly resource: string; readonly key: string }[];
} {
  const kept: { resource: string; key: string }[] = [];
  const byTags = new Map<string, { resources: string[]; tags: Tag[] }>();
  for (const call of plan.calls) {
    for (const resource of call.resources) {
      const has = overwrite ? undefined : current.get(resource);
      const wanted = call.tags.filter((tag) => {
        if (!has?.has(tag.key)) return true;
        kept.push({ resource, key: tag.key });
        return false;
      });
      if (wanted.length === 0) continue;
      const signature = wanted.map((t) => `${t.key}\u0000${t.value}`).join('\n');
      const group = byTags.get(signature) ?? { resources: [], tags: wanted };
      group.resources.push(resource);
      byTags.set(signature, group);
    }
  }
  const calls: TagCall[] = [];
  for (const group of byTags.values())
    for (let i = 0; i < group.resources.length; i += CREATE_TAGS_MAX_RESOURCES)
      calls.push({ resources: group.resources.slice(i, i + CREATE_TAGS_MAX_RESOURCES), tags: group.tags });
  return { calls, kept: [...plan.kept, ...kept] };
}
