/**
 * The field names of JSON values, merged over many values: for an object the names of its fields
 * and what each holds, for an array what its items hold, `null` for a plain value. The public
 * schemas (schema/*.json) pin this tree; the types are documented in docs/record.md.
 */

export type Fields = { [name: string]: Fields | [Fields | null] | null };

function merge(
  into: Fields | [Fields | null] | null,
  value: unknown,
  path: string,
  maps: ReadonlySet<string>,
): Fields | [Fields | null] | null {
  if (Array.isArray(value)) {
    let items: Fields | [Fields | null] | null = Array.isArray(into) ? into[0] : null;
    for (const item of value) items = merge(items, item, `${path}[]`, maps);
    return [items] as [Fields | null];
  }
  if (value === null || typeof value !== 'object' || maps.has(path)) return into ?? null;
  const fields: Fields = into !== null && !Array.isArray(into) ? into : {};
  for (const [key, v] of Object.entries(value))
    fields[key] = merge(fields[key] ?? null, v, `${path}.${key}`, maps);
  return Object.fromEntries(Object.entries(fields).sort(([a], [b]) => a.localeCompare(b))) as Fields;
}

/** The merged field tree of `values`; `maps` names the paths (`.launch.tags`) whose keys are data. */
export function fieldsOf(values: readonly unknown[], maps: readonly string[] = []): Fields {
  let fields: Fields | [Fields | null] | null = {};
  const set = new Set(maps);
  for (const value of values) fields = merge(fields, value, '', set);
  return fields !== null && !Array.isArray(fields) ? fields : {};
}
