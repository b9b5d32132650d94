/** `--since 7d`, `--until 2026-03-01T12:00Z`: relative durations or ISO dates, read strictly. */

import { UsageError } from './errors';

const UNITS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Epoch milliseconds for a time argument, relative to `nowMs` for durations. */
export function parseTimeArg(flag: string, text: string, nowMs: number): number {
  const trimmed = text.trim();
  const duration = /^(\d+)\s*([smhdw])$/i.exec(trimmed);
  if (duration) {
    const unit = UNITS[(duration[2] ?? '').toLowerCase()];
    if (unit !== undefined) return nowMs - Number(duration[1]) * unit;
  }
  const date = /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00Z` : trimmed;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(date)) {
    const ms = Date.parse(date);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new UsageError(
    `${flag} "${text}" is not a time: use a duration such as 30m, 24h, 7d or 2w, or an ISO date such as 2026-03-01 or 2026-03-01T12:00:00Z`,
  );
}
