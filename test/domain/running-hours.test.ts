/**
 * Running hours in a window. Every expected figure is counted by hand from the case's own
 * timeline: a window of hours 0 to 48, calls at whole hours.
 */

import { runningHours, type StateChange } from '../../lambda/domain/inventory/running-hours';

const H = 3_600_000;
const at = (hour: number, call: StateChange['call']): StateChange => ({ atMs: hour * H, call });
const window = { fromMs: 0, toMs: 48 * H };

describe('running hours from the calls the table holds', () => {
  it('counts from a launch to a termination', () => {
    expect(
      runningHours({
        ...window,
        changes: [at(10, 'launch'), at(22, 'terminate')],
        before: null,
        present: null,
      }),
    ).toEqual({ hours: 12, uncertain: null });
  });

  it('counts a launch still running to the end of the window', () => {
    expect(runningHours({ ...window, changes: [at(40, 'launch')], before: null, present: null }).hours).toBe(
      8,
    );
  });

  it('takes a stop as the first call to mean it ran from the start of the window', () => {
    // Running 0–18, stopped 18–42, running 42–48: 18 + 6.
    expect(
      runningHours({ ...window, changes: [at(42, 'start'), at(18, 'stop')], before: null, present: null })
        .hours,
    ).toBe(24);
  });

  it('takes a start as the first call to mean it was stopped before', () => {
    expect(runningHours({ ...window, changes: [at(30, 'start')], before: null, present: null }).hours).toBe(
      18,
    );
  });

  it('lets the newest call before the window say how it stood, over what the first call implies', () => {
    // Stopped before the window (its last call was a stop), then a second stop at 10 changes nothing.
    expect(
      runningHours({ ...window, changes: [at(10, 'stop')], before: 'stopped', present: null }).hours,
    ).toBe(0);
    // Running before and no call in the window: all 48 hours.
    expect(runningHours({ ...window, changes: [], before: 'running', present: null }).hours).toBe(48);
    expect(runningHours({ ...window, changes: [], before: 'gone', present: null }).hours).toBe(0);
  });

  it('ignores calls outside the window', () => {
    expect(
      runningHours({
        ...window,
        changes: [at(-5, 'stop'), at(20, 'start'), at(60, 'stop')],
        before: 'stopped',
        present: null,
      }).hours,
    ).toBe(28);
  });

  it('counts a repeated start or stop once', () => {
    expect(
      runningHours({
        ...window,
        changes: [at(10, 'start'), at(12, 'start'), at(20, 'stop'), at(25, 'stop')],
        before: 'stopped',
        present: null,
      }).hours,
    ).toBe(10);
  });
});

describe('what the instance is now', () => {
  it('counts an instance running since before the window that made no call in it', () => {
    expect(
      runningHours({
        ...window,
        changes: [],
        before: null,
        present: { state: 'running', runningSinceMs: -100 * H },
      }),
    ).toEqual({ hours: 48, uncertain: null });
  });

  it('counts from its last start when that start is in the window and no call of it is held', () => {
    expect(
      runningHours({
        ...window,
        changes: [],
        before: null,
        present: { state: 'running', runningSinceMs: 36 * H },
      }).hours,
    ).toBe(12);
    // The table holds a stop at 20 and misses the start at 36: 0–20 and 36–48.
    expect(
      runningHours({
        ...window,
        changes: [at(20, 'stop')],
        before: 'running',
        present: { state: 'pending', runningSinceMs: 36 * H },
      }).hours,
    ).toBe(32);
  });

  it("lets EC2's running-since win over a stop the table holds after it", () => {
    // Calls: running 0–20, stopped 20–30, running 30–48; EC2: running without a break since hour 5.
    expect(
      runningHours({
        ...window,
        changes: [at(20, 'stop'), at(30, 'start')],
        before: 'running',
        present: { state: 'running', runningSinceMs: 5 * H },
      }).hours,
    ).toBe(48);
  });

  it("counts an interval inside EC2's running-since once", () => {
    // Calls: running 0–20, 25–30 and 40–48; EC2: running without a break since hour 5, so 48.
    expect(
      runningHours({
        ...window,
        changes: [at(20, 'stop'), at(25, 'start'), at(30, 'stop'), at(40, 'start')],
        before: 'running',
        present: { state: 'running', runningSinceMs: 5 * H },
      }).hours,
    ).toBe(48);
  });

  it('says when it is stopped or gone with no call held, and counts to the end of the window', () => {
    const stopped = runningHours({
      ...window,
      changes: [at(10, 'launch')],
      before: null,
      present: { state: 'stopped', runningSinceMs: 10 * H },
    });
    expect(stopped.hours).toBe(38);
    expect(stopped.uncertain).toMatch(/^stopped now with no stop or terminate call held/);
    const gone = runningHours({ ...window, changes: [], before: 'running', present: { state: 'gone' } });
    expect(gone).toEqual({
      hours: 48,
      uncertain:
        'gone now with no stop or terminate call held: counted as running to the end of the window, an upper bound',
    });
  });

  it('is silent when the calls and the instance agree', () => {
    expect(
      runningHours({
        ...window,
        changes: [at(10, 'launch'), at(20, 'stop')],
        before: null,
        present: { state: 'stopped', runningSinceMs: 10 * H },
      }),
    ).toEqual({ hours: 10, uncertain: null });
    expect(
      runningHours({
        ...window,
        changes: [at(5, 'terminate')],
        before: 'running',
        present: { state: 'gone' },
      }),
    ).toEqual({ hours: 5, uncertain: null });
  });

  it('is nothing when neither the calls nor EC2 say it ran', () => {
    expect(runningHours({ ...window, changes: [], before: null, present: null }).hours).toBe(0);
    expect(
      runningHours({
        ...window,
        changes: [],
        before: null,
        present: { state: 'stopped', runningSinceMs: -5 * H },
      }).hours,
    ).toBe(0);
  });
});
