/**
 * The compact form of an attribution row. A row is billed by its size in whole kilobytes, once
 * for the table and once for every index that projects it, so a row writes only what cannot be
 * read back otherwise:
 *
 * - a field equal to its default (null, an empty list, `false` where that is the rule) is left out;
 * - `eventId` is left out when it is the event key, which it is for every event that has one
 *   (and when it is null beside a derived key);
 * - a direct call's initiator, which repeats the caller and the call, keeps only the facts the
 *   caller's fields do not hold (`fromCaller: true` plus the quota subject and the MFA facts).
 *
 * A compact row says so (`compact: true`). `restoreRow` puts every left-out field back, so readers
 * see the row as it was before compaction; rows written whole (by earlier versions, or because
 * compaction did not pay) pass through unchanged, missing fields and all. `compactRow` checks its own
 * work: a row whose compact form would not restore to the very same row is written whole.
 */

import { actorWith } from '../domain/identity';
import { isObject } from '../domain/json';

const EC2 = 'ec2.amazonaws.com';
const DERIVED_PREFIX = 'derived-';

/**
 * A nested default: the map's own fields' defaults. An absent map reads as null, or, when it is
 * `always` there (the lineage), as a map of defaults; such a map is left out when all its fields are.
 */
class MapDefaults {
  constructor(
    readonly fields: Readonly<Record<string, unknown>>,
    readonly always = false,
  ) {}
}

function nested(fields: Record<string, unknown>, always = false): MapDefaults {
  return new MapDefaults(fields, always);
}

// Every actor field but the two that always have a value defaults to null: `actorWith` says which.
const { type: _type, kind: _kind, ...ACTOR_NULLS } = actorWith({ type: 'Unknown', kind: 'unknown' });
const ACTOR_DEFAULTS = nested(ACTOR_NULLS);

const LAUNCH_DEFAULTS = nested({
  instanceType: null,
  imageId: null,
  keyName: null,
  subnetId: null,
  vpcId: null,
  availabilityZone: null,
  privateIpAddress: null,
  minCount: null,
  maxCount: null,
  instanceIdsUnknown: false,
  tags: {},
  launchTemplate: null,
  marketType: null,
  spotOptions: null,
  httpTokens: null,
  associatePublicIp: null,
  ebsEncrypted: null,
  unencryptedVolumes: [],
  autoScalingGroup: null,
  clientToken: null,
  fleet: false,
  iamInstanceProfile: null,
  createdWith: { networkInterfaces: [], volumes: [] },
  tagKeysAtLaunch: { volume: [], networkInterface: [] },
});

/** Every defaulted field of a row, top level and nested; fields not named here are kept as written. */
const ROW_DEFAULTS: Readonly<Record<string, unknown>> = {
  eventSource: EC2,
  trail: null,
  errorCode: null,
  errorMessage: null,
  requestId: null,
  actor: ACTOR_DEFAULTS,
  source: nested({ ip: null, userAgent: null, sdkLanguage: null }),
  launch: LAUNCH_DEFAULTS,
  instanceState: nested({ previous: null, current: null }),
  via: null,
  initiator: null,
  initiatorReason: null,
  lineage: nested({ changes: [], actsFor: [], byPerson: true, unresolved: false, linkSort: null }, true),
  warnings: [],
};

/** The initiator fields a direct call copies from its caller and its own event. */
const CALLER_COPIES = ['arn', 'name', 'kind', 'viaConsole', 'mfaAuthenticated'] as const;
const CALL_COPIES = ['eventId', 'eventName', 'eventTime'] as const;

/** The row as written: defaults left out, checked to restore to `row` exactly (else `row` itself). */
export function compactRow(whole: object): Record<string, unknown> {
  const row = whole as Record<string, unknown>;
  const compact: Record<string, unknown> = { ...omitDefaults(row, ROW_DEFAULTS), compact: true };
  // The event id is the event key, or null when the key was derived: either way the key says it.
  const key = row.eventKey;
  if (typeof key === 'string' && row.eventId === (key.startsWith(DERIVED_PREFIX) ? null : key))
    delete compact.eventId;
  const initiator = callerInitiator(row);
  if (initiator !== null) compact.initiator = initiator;
  return sameValue(restoreRow(compact), row) ? compact : { ...row };
}

/** A stored row with every left-out field put back; whole rows come back as they are. */
export function restoreRow(item: Record<string, unknown>): Record<string, unknown> {
  if (item.compact !== true) return item;
  const { compact: _, ...fields } = item;
  const row = withDefaults(fields, ROW_DEFAULTS);
  if (!('eventId' in fields) && typeof fields.eventKey === 'string')
    row.eventId = fields.eventKey.startsWith(DERIVED_PREFIX) ? null : item.eventKey;
  const initiator = fields.initiator;
  if (isObject(initiator) && initiator.fromCaller === true) {
    const { fromCaller: _, ...facts } = initiator;
    const actor = isObject(row.actor) ? row.actor : {};
    row.initiator = {
      ...Object.fromEntries(CALLER_COPIES.map((name) => [name, actor[name] ?? null])),
      quotaSubject: null,
      mfaKnown: null,
      verified: null,
      ...Object.fromEntries(CALL_COPIES.map((name) => [name, row[name] ?? null])),
      resourceType: null,
      resourceId: null,
      ...facts,
    };
  }
  return row;
}

/**
 * A direct call's initiator without what it copies (`fromCaller: true` and the rest), or null when
 * the initiator is not a plain copy of the caller and the call.
 */
function callerInitiator(row: Record<string, unknown>): Record<string, unknown> | null {
  const initiator = row.initiator;
  const actor = row.actor;
  if (!isObject(initiator) || !isObject(actor)) return null;
  if (!CALLER_COPIES.every((name) => sameValue(initiator[name], actor[name] ?? null))) return null;
  if (!CALL_COPIES.every((name) => sameValue(initiator[name], row[name] ?? null))) return null;
  const rest: Record<string, unknown> = { fromCaller: true };
  for (const [name, value] of Object.entries(initiator)) {
    if (
      (CALLER_COPIES as readonly string[]).includes(name) ||
      (CALL_COPIES as readonly string[]).includes(name)
    )
      continue;
    if (value !== null) rest[name] = value;
  }
  return rest;
}

function omitDefaults(value: Record<string, unknown>, defaults: Readonly<Record<string, unknown>>) {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    if (field === undefined) continue;
    const rule = defaults[name];
    if (!(name in defaults)) out[name] = field;
    else if (rule instanceof MapDefaults) {
      const kept = isObject(field) ? omitDefaults(field, rule.fields) : field;
      if (kept !== null && !(rule.always && isObject(kept) && Object.keys(kept).length === 0))
        out[name] = kept;
    } else if (!sameValue(field, rule)) out[name] = field;
  }
  return out;
}

function withDefaults(value: Record<string, unknown>, defaults: Readonly<Record<string, unknown>>) {
  const out: Record<string, unknown> = { ...value };
  for (const [name, rule] of Object.entries(defaults)) {
    const field = value[name];
    if (rule instanceof MapDefaults)
      out[name] = isObject(field)
        ? withDefaults(field, rule.fields)
        : field === undefined && rule.always
          ? withDefaults({}, rule.fields)
          : (field ?? null);
    else if (field === undefined) out[name] = cloneJson(rule);
  }
  return out;
}

/** Deep equality of JSON values; key order does not matter, an `undefined` field is no field. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const aIsArray = Array.isArray(a);
  if (aIsArray !== Array.isArray(b)) return false;
  if (aIsArray) {
    const left = a as unknown[];
    const right = b as unknown[];
    if (left.length !== right.length) return false;
    for (let i = 0; i < left.length; i++) if (!sameValue(left[i], right[i])) return false;
    return true;
  }
  // Loops rather than Object.entries: this runs on every field of every row written.
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let fields = 0;
  for (const name in left) {
    const value = left[name];
    if (value === undefined) continue;
    fields++;
    if (!sameValue(value, right[name])) return false;
  }
  for (const name in right) if (right[name] !== undefined) fields--;
  return fields === 0;
}

/** A copy of a JSON default (structuredClone does the same, several times slower on small values). */
function cloneJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(cloneJson);
  const out: Record<string, unknown> = {};
  for (const name in value) out[name] = cloneJson((value as Record<string, unknown>)[name]);
  return out;
}
