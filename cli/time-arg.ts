/** `--since 7d`, `--until 2026-03-01T12:00Z`: relative durations or ISO dates, read strictly. */

import { UsageError } from './errors';

const UNITS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Epoch milliseconds for a time argument, relative to `nowMs` for durations. Accepts what people
 * type: `7d`, `2026-03-01`, `2026-03-01T12:00`, `2026-03-02 10:00:00`, ISO with a zone, and epoch
 * seconds (or milliseconds, 13 digits). A time without a zone is UTC, as CloudTrail's are.
 */
export function parseTimeArg(flag: string, text: string, nowMs: number): number {
  const trimmed = text.trim();
  const duration = /^(\d+)\s*([smhdw])$/i.exec(trimmed);
  if (duration) {
    const unit = UNITS[(duration[2] ?? '').toLowerCase()];
    if (unit !== undefined) return nowMs - Number(duration[1]) * unit;
  }
  if (/^-\d+\s*[smhdw]$/i.test(trimmed))
    throw new UsageError(
      `${flag} "${text}": a duration already counts back from now; write ${trimmed.slice(1)}`,
    );
  if (/^\d{9,11}$/.test(trimmed)) return Number(trimmed) * 1000;
  if (/^\d{13}$/.test(trimmed)) return Number(trimmed);
  const iso = trimmed.replace(/^(\d{4}-\d{2}-\d{2})[ T]/, '$1T');
  const withTime = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00` : iso;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(withTime) ? withTime : `${withTime}Z`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(zoned)) {
    const ms = Date.parse(zoned);
    if (!Number.isNaN(ms) && sameFields(zoned, ms)) return ms;
  }
  throw new UsageError(
    `${flag} "${text}" is not a time: use a duration such as 30m, 24h, 7d or 2w, a date such as 2026-03-01, a time such as "2026-03-01 12:00" (UTC) or 2026-03-01T12:00:00+02:00, or epoch seconds`,
  );
}

/** Date.parse rolls 2026-02-30 over to March: a date that does not exist is refused instead. */
function sameFields(text: string, ms: number): boolean {
  if (!text.toUpperCase().endsWith('Z')) return true;
  const date = new Date(ms).toISOString();
  return date.slice(0, 16) === text.slice(0, 16);
}
