/**
 * The size DynamoDB bills an item at, by the rules of "DynamoDB item sizes and formats" in the
 * DynamoDB developer guide: names and strings in UTF-8 bytes, numbers about one byte per two
 * significant digits plus one, null and booleans one byte, lists and maps three bytes plus one
 * per element. For plain objects as the document client writes them (undefined left out).
 */

export function valueSize(value: unknown): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') {
    const digits = String(Math.abs(value)).replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
    return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
  }
  if (Array.isArray(value)) {
    let size = 3;
    for (const element of value) if (element !== undefined) size += 1 + valueSize(element);
    return size;
  }
  if (typeof value === 'object') {
    let size = 3;
    for (const [name, element] of Object.entries(value as Record<string, unknown>))
      if (element !== undefined) size += 1 + Buffer.byteLength(name, 'utf8') + valueSize(element);
    return size;
  }
  return 0;
}

/** An item's size: its top-level attributes, names included, without a map's overhead. */
export function itemSize(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item))
    if (value !== undefined) size += Buffer.byteLength(name, 'utf8') + valueSize(value);
  return size;
}

/** Write units for an item of this size: one per started kilobyte. */
export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1024));
}
