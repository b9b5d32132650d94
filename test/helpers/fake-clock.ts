/** A fake clock for paced code: sleeping advances time at once, so a test of a rate runs in no time. */
export function fakeClock(start = Date.parse('2026-03-20T00:00:00Z')) {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}
