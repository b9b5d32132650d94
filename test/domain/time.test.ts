import { normaliseTime } from '../../lambda/domain';

describe('normaliseTime', () => {
  it.each([
    ['2026-03-02T09:15:04Z', '2026-03-02T09:15:04Z', false],
    ['2026-03-02T09:15:04.250Z', '2026-03-02T09:15:04.250Z', false],
    ['2021-10-29 23:50:09', '2021-10-29T23:50:09Z', true],
    ['2025-01-13 20:46:57.000000000', '2025-01-13T20:46:57Z', true],
    ['2014-03-06T21: 22: 54Z', '2014-03-06T21:22:54Z', true],
    ['2026-03-02T11:15:04+02:00', '2026-03-02T09:15:04Z', true],
  ])('reads %s as %s', (raw, value, warns) => {
    const result = normaliseTime(raw);
    expect(result.value).toBe(value);
    expect(result.warning !== null).toBe(warns);
    expect(result.epochMs).toBe(Date.parse(value));
  });

  it.each(['yesterday', '2014-02-30T00:00:00Z', '03/02/2026 09:15', '2026-13-01T00:00:00Z'])(
    'keeps %s raw with a warning',
    (raw) => {
      const result = normaliseTime(raw);
      expect(result).toMatchObject({ value: raw, epochMs: null });
      expect(result.warning).toMatch(/kept as found/);
    },
  );

  it('reads epoch seconds and milliseconds', () => {
    expect(normaliseTime(1772442904).value).toBe('2026-03-02T09:15:04Z');
    expect(normaliseTime(1772442904000).value).toBe('2026-03-02T09:15:04Z');
  });

  it('reports a missing or non-string time', () => {
    expect(normaliseTime(undefined)).toEqual({ value: null, epochMs: null, warning: 'eventTime is missing' });
    expect(normaliseTime({}).warning).toBe('eventTime is not a string');
  });
});
