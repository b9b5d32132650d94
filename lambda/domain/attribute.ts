/** The core: one CloudTrail record in, its attribution records (or the reason for none) out. */

import { type Action, actionFor, isTrailAction, SERVICE_CHANGE } from './actions';
import { fingerprint } from './fingerprint';
import { resolveActor } from './identity';
import { at, bool, isObject, items, type JsonObject, prop, str } from './json';
import { readLaunch } from './launch';
import { forInstance, lineageOf } from './lineage/record-lineage';
import { type ServiceCall, serviceCallFor } from './lineage/service-calls';
import { readTags } from './lineage/via';
import type { AttributionRecord, CallSource, InstanceState } from './record';
import { normaliseTime } from './time';
import { classifyUserAgent } from './user-agent';

export type SkipReason = 'not-lifecycle' | 'not-cloudtrail';

export type AttributionResult =
  | { readonly kind: 'records'; readonly records: readonly AttributionRecord[] }
  | { readonly kind: 'skipped'; readonly reason: SkipReason; readonly detail: string };

/** Values from a wrapper (an EventBridge envelope) used when the record itself lacks them. */
export interface RecordContext {
  readonly account?: string | null;
  readonly region?: string | null;
}

const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const INSTANCE_ARN = /:instance\/(i-[0-9A-Za-z]+)/g;
// A dotted quad with an octet over 255; a test, not a parse, since it runs for every event.
const BAD_IPV4 = /^(?=(?:\d{1,3}\.){3}\d{1,3}$)(?:.*\.)?(?:25[6-9]|2[6-9]\d|[3-9]\d\d)(?:\.|$)/;

interface InstanceRef {
  readonly id: string;
  readonly item: unknown;
}

function collectIds(list: readonly unknown[], where: string, warnings: string[]): InstanceRef[] {
  const refs: InstanceRef[] = [];
  for (const item of list) {
    const raw = typeof item === 'string' ? item : prop(item, 'instanceId');
    if (typeof raw === 'string' && raw.trim().length > 0) refs.push({ id: raw.trim(), item });
    else if (raw !== undefined)
      warnings.push(`an instance id in ${where} is not a string (${JSON.stringify(raw)})`);
  }
  return refs;
}

function responseInstances(response: unknown, warnings: string[]): InstanceRef[] {
  return collectIds(items(prop(response, 'instancesSet')), 'responseElements', warnings);
}

function requestedInstances(request: unknown, warnings: string[]): InstanceRef[] {
  const fromSet = collectIds(items(prop(request, 'instancesSet')), 'requestParameters', warnings);
  if (fromSet.length > 0) return fromSet;
  const fromIds = collectIds(items(prop(request, 'instanceIds')), 'requestParameters', warnings);
  if (fromIds.length > 0) return fromIds;
  const single = str(prop(request, 'instanceId'));
  return single ? [{ id: single.trim(), item: null }] : [];
}

function unique(refs: InstanceRef[]): InstanceRef[] {
  if (refs.length < 2) return refs;
  const seen = new Set<string>();
  return refs.filter((ref) => {
    if (seen.has(ref.id)) return false;
    seen.add(ref.id);
    return true;
  });
}

function instanceState(item: unknown): InstanceState | null {
  const previous = str(at(item, 'previousState', 'name'));
  const current = str(at(item, 'currentState', 'name')) ?? str(at(item, 'instanceState', 'name'));
  return previous === null && current === null ? null : { previous, current };
}

function sourceOf(event: JsonObject, viaConsole: boolean | null, warnings: string[]): CallSource {
  const ip = str(event.sourceIPAddress);
  if (ip !== null && BAD_IPV4.test(ip)) {
    warnings.push(`sourceIPAddress "${ip}" is not a valid IPv4 address; kept as found`);
  }
  const userAgent = str(event.userAgent);
  const { tool, sdkLanguage } = classifyUserAgent(userAgent, viaConsole);
  return { ip, userAgent, tool, sdkLanguage };
}

/** A set as CloudTrail writes EC2's query API: an array, `{item: …}`, `{items: […]}` or one value. */
function asList(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value;
  if (isObject(value) && 'item' in value) return asList(value.item);
  if (isObject(value) && 'items' in value) return asList(value.items);
  return value === undefined || value === null ? [] : [value];
}

/** The instances an instant EC2 Fleet launched (`CreateFleetResponse.fleetInstanceSet`). */
function fleetInstances(response: unknown): InstanceRef[] {
  const root = prop(response, 'CreateFleetResponse') ?? response;
  const refs: InstanceRef[] = [];
  for (const entry of asList(prop(root, 'fleetInstanceSet'))) {
    const item = { instanceType: prop(entry, 'instanceType'), instanceLifecycle: prop(entry, 'lifecycle') };
    for (const id of asList(prop(entry, 'instanceIds'))) if (typeof id === 'string') refs.push({ id, item });
  }
  return refs;
}

/** CreateFleet of type instant launches and answers with its instances: a launch. Other fleets are changes. */
function actionOf(
  eventSource: string,
  eventName: string,
  event: JsonObject,
): { action: Action; call: ServiceCall | null } | null {
  const action = actionFor(eventSource, eventName);
  if (action !== null) return { action, call: null };
  const call = serviceCallFor(eventSource, eventName);
  if (call === null) return null;
  if (call.eventName === 'CreateFleet' && fleetInstances(event.responseElements).length > 0)
    return { action: 'launch', call: null };
  return { action: SERVICE_CHANGE, call };
}

function targetsOf(action: Action, failed: boolean, event: JsonObject, warnings: string[]) {
  // Trail actions touch a trail, not an instance: one record, named by `trail`.
  if (isTrailAction(action)) return [];
  const request = event.requestParameters;
  const response = event.responseElements;
  // A change to a group or stack has a record per instance it names (TerminateInstanceInAutoScalingGroup), else one.
  if (action === SERVICE_CHANGE) return failed ? [] : requestedInstances(request, warnings);
  if (action === 'launch' && str(event.eventName)?.trim() === 'CreateFleet') return fleetInstances(response);
  if (action === 'launch') {
    // A failed RunInstances launched nothing: one record with no instance.
    if (failed) return [];
    const launched = responseInstances(response, warnings);
    if (launched.length === 0) {
      warnings.push(
        prop(response, 'omitted') === true
          ? 'responseElements omitted by CloudTrail; launched instance ids are unknown'
          : 'no instance id in responseElements of a successful launch',
      );
    }
    return launched;
  }
  const fromResponse = failed ? [] : responseInstances(response, warnings);
  const refs = fromResponse.length > 0 ? fromResponse : requestedInstances(request, warnings);
  if (refs.length > 0) return refs;
  const fromElsewhere = instancesNamedIn(event);
  warnings.push(
    fromElsewhere.length > 0
      ? 'instance id read from the resources or error message: not in the request or the response'
      : 'no instance id in the response or the request',
  );
  return fromElsewhere;
}

/** Instance ARNs in `resources` or in an AccessDenied message, for calls whose request was not logged. */
function instancesNamedIn(event: JsonObject): InstanceRef[] {
  const refs: InstanceRef[] = [];
  const resources = event.resources;
  const texts = [
    ...(Array.isArray(resources) ? resources.map((r) => str(prop(r, 'ARN')) ?? str(prop(r, 'arn'))) : []),
    str(event.errorMessage),
  ];
  for (const text of texts) {
    if (!text) continue;
    for (const match of text.matchAll(INSTANCE_ARN)) {
      if (match[1]) refs.push({ id: match[1], item: null });
    }
  }
  return refs;
}

/** Attributes one CloudTrail record. Never throws, whatever the input. */
export function attribute(event: unknown, context: RecordContext = {}): AttributionResult {
  if (!isObject(event)) {
    return { kind: 'skipped', reason: 'not-cloudtrail', detail: 'not a JSON object' };
  }
  const rawName = str(event.eventName);
  const rawSource = str(event.eventSource);
  if (rawName === null || rawSource === null) {
    return { kind: 'skipped', reason: 'not-cloudtrail', detail: 'no eventName or eventSource' };
  }
  // CloudTrail Insights events name the API they measure (RunInstances, say) but record no call.
  if (event.eventType === 'AwsCloudTrailInsight') {
    return {
      kind: 'skipped',
      reason: 'not-lifecycle',
      detail: `CloudTrail Insights event about ${rawName.trim()}`,
    };
  }
  const resolvedAction = actionOf(rawSource, rawName, event);
  if (resolvedAction === null) {
    return { kind: 'skipped', reason: 'not-lifecycle', detail: `${rawSource.trim()} ${rawName.trim()}` };
  }
  const { action, call } = resolvedAction;

  const warnings: string[] = [];
  const eventName = rawName.trim();
  const eventSource = rawSource.trim();
  if (eventName !== rawName) warnings.push(`eventName "${rawName}" had stray whitespace`);
  if (eventSource !== rawSource) warnings.push(`eventSource "${rawSource}" had stray whitespace`);

  const eventId = str(event.eventID);
  if (eventId === null) warnings.push('eventID is missing; the record key is derived from its content');
  const eventKey = eventId ?? `derived-${fingerprint(JSON.stringify(event))}`;

  const time = normaliseTime(event.eventTime);
  if (time.warning) warnings.push(time.warning);

  const consoleFlag = bool(event.sessionCredentialFromConsole);
  const source = sourceOf(event, consoleFlag, warnings);
  const viaConsole = consoleFlag ?? (source.tool === 'console' ? true : null);
  const resolved = resolveActor(event.userIdentity, viaConsole);
  warnings.push(...resolved.warnings);

  const account = str(event.recipientAccountId) ?? resolved.actor.accountId ?? context.account ?? null;
  if (account !== null && !/^\d{12}$/.test(account)) {
    warnings.push(`account "${account}" is not a 12-digit account id`);
  }
  const region = str(event.awsRegion) ?? context.region ?? null;
  if (region === null) warnings.push('awsRegion is missing');

  const errorCode = str(event.errorCode);
  const failed = errorCode !== null;
  const refs = unique(targetsOf(action, failed, event, warnings));
  const targets: (InstanceRef | null)[] = refs.length > 0 ? refs : [null];

  const trail = isTrailAction(action)
    ? (str(prop(event.requestParameters, 'name')) ?? str(prop(event.requestParameters, 'trailName')))
    : null;
  if (isTrailAction(action) && trail === null) warnings.push('no trail name in requestParameters');

  const outcome = failed ? ('failed' as const) : ('success' as const);
  const errorMessage = str(event.errorMessage);
  const requestId = str(event.requestID);
  const fleetLaunch = action === 'launch' && eventName === 'CreateFleet';
  // An instant fleet's tags are in its request's TagSpecification: read once for all its instances.
  const fleetTags = fleetLaunch
    ? readTags(prop(event.requestParameters, 'CreateFleetRequest') ?? event.requestParameters)
    : null;
  const launchOf = (ref: InstanceRef | null) => {
    if (action !== 'launch') return null;
    const launch = readLaunch(event.requestParameters, ref?.item, refs.length, !failed);
    return fleetTags
      ? { ...launch, tags: fleetTags, autoScalingGroup: fleetTags['aws:autoscaling:groupName'] ?? null }
      : launch;
  };
  const firstLaunch = launchOf(targets[0] ?? null);
  const place = { account, region };
  const lineage = lineageOf({
    event,
    action,
    failed,
    errorCode,
    actor: resolved.actor,
    userAgent: source.userAgent,
    place,
    eventId,
    eventName,
    eventTime: time.value,
    serviceCall: call,
    launchTags: firstLaunch?.tags ?? null,
  });
  const records: AttributionRecord[] = [];
  for (const [index, ref] of targets.entries()) {
    // Records of one event share the event's warnings; a malformed id adds one of its own.
    const malformed = ref !== null && !INSTANCE_ID.test(ref.id);
    records.push({
      eventId,
      eventKey,
      eventTime: time.value,
      eventName,
      eventSource,
      action,
      account,
      region,
      instanceId: ref?.id ?? null,
      trail,
      outcome,
      errorCode,
      errorMessage,
      requestId,
      actor: resolved.actor,
      source,
      launch: index === 0 ? firstLaunch : launchOf(ref),
      instanceState: ref ? instanceState(ref.item) : null,
      ...forInstance(lineage, action, ref?.id ?? null, place),
      warnings: malformed ? [...warnings, `instance id "${ref.id}" is malformed; kept as found`] : warnings,
    });
  }
  return { kind: 'records', records };
}
