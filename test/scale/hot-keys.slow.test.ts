/**
 * The busiest partition key of the table and of each index, in write units per second, for the
 * organization-scale workloads (support/scale-workloads.ts). DynamoDB takes at most 1,000 a
 * second on one partition key; the layout must stay under it, and the bench reports the worst
 * figure against a target of 500 (`hotKeyPeakWcu`).
 */
import { itemSize, writeUnits } from '../../support/dynamodb-item-size';
import { simulate } from '../../support/hot-keys';
import { massTerminate, organizationScaleOut, replayAtRate } from '../../support/scale-workloads';

const LIMIT = 1_000;

describe('item sizes by the published rules', () => {
  it('sizes names and values as the DynamoDB developer guide says', () => {
    // Strings: name bytes + UTF-8 bytes; "é" is two bytes.
    expect(itemSize({ id: 'abc' })).toBe(2 + 3);
    expect(itemSize({ n: 'é' })).toBe(1 + 2);
    // Numbers: one byte per two significant digits, plus one; 27 → 2, 12345 → 4, 1000 → 2.
    expect(itemSize({ a: 27 })).toBe(1 + 2);
    expect(itemSize({ a: 12345 })).toBe(1 + 4);
    expect(itemSize({ a: 1000 })).toBe(1 + 2);
    // Null and booleans: one byte.
    expect(itemSize({ a: null, b: true })).toBe(1 + 1 + 1 + 1);
    // Maps and lists: three bytes, plus one per element; nested names count.
    expect(itemSize({ m: { x: 'y' } })).toBe(1 + 3 + 1 + 1 + 1);
    expect(itemSize({ l: ['a', 'b'] })).toBe(1 + 3 + 2 * (1 + 1));
    expect(writeUnits(1024)).toBe(1);
    expect(writeUnits(1025)).toBe(2);
  });
});

describe('hot partition keys at organization scale', () => {
  it('(a) 200 accounts × 4 regions each launching 500 instances in the same minute', () => {
    const { sharded, unsharded: before } = simulate(
      organizationScaleOut({ accounts: 200, regions: 4, instances: 500 }),
    );
    // The generator's parameters: 200 × 4 × 500 launches, one row each.
    expect(sharded.rows).toBe(400_000);
    expect(sharded.worst.writeUnits).toBeLessThanOrEqual(LIMIT);
    // The same launches with the service's key unsharded: one key took them all.
    expect(before.worst.writeUnits).toBeGreaterThan(LIMIT * 5);
    expect(before.worst.key).toBe('service:autoscaling.amazonaws.com');
  }, 120_000);

  it('(b) one TerminateInstances of 1,000 ids', () => {
    const { sharded, unsharded: before } = simulate(massTerminate(1_000));
    expect(sharded.rows).toBe(1_000);
    expect(sharded.worst.writeUnits).toBeLessThanOrEqual(LIMIT);
    // One event: one entry on the person's whole key, naming the 1,000 instances (about 21 KB,
    // so about 21 units), where one entry per row would put 1,000 units on that key.
    const person = sharded.peaks.find((peak) => peak.target === 'byPerson');
    expect(person?.writeUnits).toBeGreaterThanOrEqual(20);
    expect(person?.writeUnits).toBeLessThanOrEqual(25);
    expect(before.worst.writeUnits).toBeLessThanOrEqual(LIMIT);
  });

  it('(c) a replay of an organization trail at 5,000 rows a second', () => {
    const { sharded, unsharded: before } = simulate(replayAtRate(100_000, 5_000));
    expect(sharded.worst.writeUnits).toBeLessThanOrEqual(LIMIT);
    // With the day unsharded, every event of a second would land on one key: 5,000 rows a
    // second are about 4,200 events (1.18 rows each), one entry each, several times the limit.
    expect(before.worst.writeUnits).toBeGreaterThan(LIMIT * 3);
    expect(before.worst.target).toBe('byDate');
  }, 120_000);
});
