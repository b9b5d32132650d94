/** The inventory snapshot and the digest's forgotten section. Expected figures are the cases' prices times 730 hours. */

import { lengthOfDays } from '../../lambda/domain/digest/render';
import {
  type ForgottenInstance,
  forgottenSection,
  monthlyUsd,
  SNAPSHOT_FORGOTTEN_MAX,
  SNAPSHOT_FRESH_MS,
  snapshotOf,
} from '../../lambda/domain/inventory/snapshot';

const taken = Date.parse('2026-12-01T06:00:00Z');

const instance = (id: string, over: Partial<ForgottenInstance> = {}): ForgottenInstance => ({
  instanceId: id,
  account: '111122223333',
  region: 'eu-west-1',
  instanceType: 'm5.large',
  person: 'alice',
  service: null,
  launchedAt: '2026-09-01T00:00:00Z',
  lastTouch: null,
  hourlyUsd: 0.1,
  ...over,
});

const base = {
  takenAt: new Date(taken).toISOString(),
  regions: ['eu-west-1', 'us-east-1'],
  failedRegions: [],
  coverage: { instances: 3, withPerson: 2, percent: 66, byEvidence: { table: 2 }, unknownByReason: {} },
  running: 3,
  runningHourlyUsd: 1,
  forgottenAfterDays: 30,
};

describe('the snapshot', () => {
  const snapshot = snapshotOf({
    ...base,
    forgotten: [
      instance('i-cheap', { hourlyUsd: 0.01 }),
      instance('i-none', { hourlyUsd: null }),
      instance('i-nobody', { hourlyUsd: 0.01, person: null, launchedAt: '2026-12-01T00:00:00Z' }),
      instance('i-dear', { hourlyUsd: 1, person: 'Bob' }),
      instance('i-older', { hourlyUsd: 0.01, launchedAt: '2026-01-01T00:00:00Z' }),
    ],
  });

  it('keeps the dearest first, the older first at one price, the unpriced last', () => {
    expect(snapshot.forgotten.map((i) => i.instanceId)).toEqual([
      'i-dear',
      'i-older',
      'i-cheap',
      'i-nobody',
      'i-none',
    ]);
  });

  it('counts them all and what the priced ones cost a month', () => {
    expect(snapshot.forgottenTotal).toBe(5);
    // 730 × (1 + 0.01 + 0.01 + 0.01)
    expect(snapshot.forgottenMonthlyUsd).toBeCloseTo(751.9, 6);
  });

  it('keeps at most SNAPSHOT_FORGOTTEN_MAX, and still counts every one', () => {
    const many = snapshotOf({
      ...base,
      forgotten: Array.from({ length: SNAPSHOT_FORGOTTEN_MAX + 5 }, (_, n) => instance(`i-${n}`)),
    });
    expect(many.forgotten).toHaveLength(SNAPSHOT_FORGOTTEN_MAX);
    expect(many.forgottenTotal).toBe(SNAPSHOT_FORGOTTEN_MAX + 5);
    // The team's section counts them all, and their month: 105 × 0.1 × 730.
    const section = forgottenSection(many, taken);
    expect(section?.total).toBe(SNAPSHOT_FORGOTTEN_MAX + 5);
    expect(section?.monthlyUsd).toBeCloseTo(7665, 6);
    expect(section?.instances).toHaveLength(SNAPSHOT_FORGOTTEN_MAX);
  });

  it("gives a digest everyone's, or one person's compared without case", () => {
    expect(forgottenSection(snapshot, taken + 3_600_000)).toMatchObject({
      total: 5,
      regions: 2,
      afterDays: 30,
    });
    const bob = forgottenSection(snapshot, taken, 'bob');
    expect(bob?.instances.map((i) => i.instanceId)).toEqual(['i-dear']);
    expect(bob).toMatchObject({ total: 1, monthlyUsd: 730 });
    // Nobody's instance is in no person's section.
    expect(forgottenSection(snapshot, taken, 'nobody')).toMatchObject({ total: 0, instances: [] });
  });

  it('gives nothing when there is no snapshot, or it is older than two days', () => {
    expect(forgottenSection(null, taken)).toBeNull();
    expect(forgottenSection(snapshot, taken + SNAPSHOT_FRESH_MS)).not.toBeNull();
    expect(forgottenSection(snapshot, taken + SNAPSHOT_FRESH_MS + 1)).toBeNull();
    expect(forgottenSection({ ...snapshot, takenAt: 'not a time' }, taken)).toBeNull();
    // A snapshot dated more than two days ahead (a clock gone wrong) is not shown either.
    expect(forgottenSection(snapshot, taken - SNAPSHOT_FRESH_MS)).not.toBeNull();
    expect(forgottenSection(snapshot, taken - SNAPSHOT_FRESH_MS - 1)).toBeNull();
  });

  it('prices a month at 730 hours, and no price as none', () => {
    expect(monthlyUsd({ hourlyUsd: 0.0104 })).toBeCloseTo(7.592, 9);
    expect(monthlyUsd({ hourlyUsd: null })).toBeNull();
  });
});

describe('a threshold in words', () => {
  it.each([
    [30, '30 days'],
    [1, '1 day'],
    [0.5, '12 hours'],
    [1 / 24, '1 hour'],
    [2 / 1440, '2 minutes'],
    [1 / 86_400, '1 second'],
  ])('%f days is "%s"', (days, words) => {
    expect(lengthOfDays(days)).toBe(words);
  });
});
