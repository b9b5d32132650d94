/** The one backoff: waits double from the base, stop at the cap, and jitter as asked. Expected values by hand. */

import { backoffDelay } from '../../lambda/adapters/backoff';

describe('backoffDelay', () => {
  it('doubles from the base per retry, without jitter by default', () => {
    expect([1, 2, 3, 4].map((retry) => backoffDelay(retry, { baseMs: 100 }))).toEqual([100, 200, 400, 800]);
  });

  it('stops at the cap', () => {
    expect([7, 8, 9].map((retry) => backoffDelay(retry, { baseMs: 50, capMs: 5_000 }))).toEqual([
      3_200, 5_000, 5_000,
    ]);
  });

  it('draws full jitter from 0 to the wait, equal jitter from half of it to all', () => {
    const at = (r: number) => () => r;
    expect(backoffDelay(3, { baseMs: 400, jitter: 'full', random: at(0) })).toBe(0);
    expect(backoffDelay(3, { baseMs: 400, jitter: 'full', random: at(0.5) })).toBe(800);
    expect(backoffDelay(3, { baseMs: 400, jitter: 'equal', random: at(0) })).toBe(800);
    expect(backoffDelay(3, { baseMs: 400, jitter: 'equal', random: at(1) })).toBe(1_600);
  });
});
