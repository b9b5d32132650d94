/**
 * Write sharding of the index keys. A day, a busy caller (Auto Scaling across an organization) or
 * one TerminateInstances of a thousand ids would otherwise put every row on one index partition
 * key, which takes at most 1,000 write units a second; each row instead carries its logical key
 * plus a shard suffix (`2026-03-02#07`), and readers query every shard and merge. The shard comes
 * from the row's primary key alone, so anything that knows a row's key (a link written later, the
 * migration) computes the same suffix, and the rows of one burst spread evenly over the shards.
 */

/** Shards per logical index key: README "Scale" derives the figure from the simulated workloads. */
export const INDEX_SHARDS = 64;

const SUFFIX = /#\d{2}$/;

/** FNV-1a, 32 bit, of a string's UTF-16 code units (ASCII keys hash as their bytes). */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The shard of a row: from its primary key only. */
export function shardOf(partitionKey: string, sortKey: string): number {
  return fnv1a32(`${partitionKey}\u0000${sortKey}`) % INDEX_SHARDS;
}

/** The index key a row stores for a logical key (`alice@example.com#07`). */
export function shardedKey(value: string, shard: number): string {
  return `${value}#${String(shard).padStart(2, '0')}`;
}

/**
 * Every index key under which rows of a logical key may be stored: one per shard, then the bare
 * key that tables written before sharding used (until `ec2trail migrate` moves those rows).
 */
export function shardKeys(value: string): string[] {
  const keys: string[] = [];
  for (let shard = 0; shard < INDEX_SHARDS; shard++) keys.push(shardedKey(value, shard));
  keys.push(value);
  return keys;
}

/** The logical key of a stored index key: the value without its shard suffix. */
export function unsharded(key: string): string {
  return SUFFIX.test(key) ? key.slice(0, -3) : key;
}
