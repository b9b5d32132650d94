/** Safe readers over untrusted JSON: they never throw and never coerce. */

export type JsonObject = { readonly [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The property `key` of `value` when `value` is an object. */
export function prop(value: unknown, key: string): unknown {
  return isObject(value) ? value[key] : undefined;
}

/** Walks nested objects; `undefined` as soon as a step is not an object. Fixed arity: this is on the hot path. */
export function at(value: unknown, a: string, b: string, c?: string, d?: string): unknown {
  let current = prop(prop(value, a), b);
  if (c !== undefined) current = prop(current, c);
  if (d !== undefined) current = prop(current, d);
  return current;
}

/** A non-empty string, or null. */
export function str(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** A finite number, also from a numeric string as CloudTrail sometimes writes them. */
export function num(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return null;
}

/** A boolean, also from the strings "true"/"false" that CloudTrail uses in session attributes. */
export function bool(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return null;
}

/** The `items` array of a CloudTrail set (`{ items: [...] }`), or the array itself. */
export function items(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value;
  const inner = prop(value, 'items');
  return Array.isArray(inner) ? inner : [];
}
