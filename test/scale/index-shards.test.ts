import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  fnv1a32,
  INDEX_SHARDS,
  shardedKey,
  shardKeys,
  shardOf,
  unsharded,
} from '../../lambda/schema/index-shards';
import { ROOT } from '../helpers/cli';

describe('index key shards', () => {
  it('hashes with FNV-1a as published (test vectors of the FNV reference)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('spreads the rows of one burst evenly: 6,400 instances, about 100 per shard', () => {
    const counts = new Array<number>(INDEX_SHARDS).fill(0);
    for (let i = 0; i < 6_400; i++) {
      const id = `i-0${(0x1000000 + i).toString(16)}abcdef00`;
      counts[shardOf(id, '2026-03-02T09:15:04.000Z#same-event')]! += 1;
    }
    // Binomial(6400, 1/64): mean 100, standard deviation 9.9; 60–140 is four deviations.
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(60);
    expect(Math.max(...counts)).toBeLessThanOrEqual(140);
  });

  it('names every shard and the unsharded key of tables written before sharding', () => {
    const keys = shardKeys('alice');
    expect(keys).toHaveLength(65);
    expect(keys[0]).toBe('alice#00');
    expect(keys[63]).toBe('alice#63');
    expect(keys[64]).toBe('alice');
    expect(shardedKey('2026-03-02', 7)).toBe('2026-03-02#07');
    expect(unsharded('2026-03-02#07')).toBe('2026-03-02');
    expect(unsharded('alice')).toBe('alice');
  });

  it('matches the shard loop of the documented AWS CLI queries', () => {
    const readme = readFileSync(join(ROOT, 'docs', 'querying.md'), 'utf8');
    const loops = [...readme.matchAll(/seq -w 0 (\d+)/g)].map((m) => Number(m[1]));
    // One loop: the day (a person's key is whole).
    expect(loops.length).toBeGreaterThanOrEqual(1);
    for (const last of loops) expect(last).toBe(INDEX_SHARDS - 1);
  });
});
