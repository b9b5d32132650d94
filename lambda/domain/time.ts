/** CloudTrail timestamps as found in the wild, turned into one sortable UTC form. */

export interface NormalisedTime {
  /** ISO 8601 UTC (`2024-05-01T12:00:00Z`, milliseconds only when present), or the raw text. */
  readonly value: string | null;
  /** Milliseconds since the epoch, or null when the text could not be read unambiguously. */
  readonly epochMs: number | null;
  readonly warning: string | null;
}

const CANONICAL = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/;
const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;
// Exports such as Panther's and Athena's drop the T and the zone; CloudTrail times are always UTC.
const SPACE_SEPARATED = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?$/;

/** The largest time a JavaScript Date holds (year 275760). */
const MAX_EPOCH_MS = 8.64e15;

export function formatUtc(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}

function fromParts(match: RegExpExecArray, zone: string): number | null {
  const [, y, mo, d, h, mi, s, fraction] = match;
  const ms = fraction ? Math.floor(Number(`0${fraction}`) * 1000) : 0;
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  // Date.UTC rolls 2014-02-30 over into March: reject anything that does not round-trip.
  const check = new Date(base);
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    check.getUTCHours() !== Number(h) ||
    check.getUTCMinutes() !== Number(mi) ||
    check.getUTCSeconds() !== Number(s)
  ) {
    return null;
  }
  if (zone === 'Z' || zone === '') return base;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
  return base - sign * offsetMin * 60_000;
}

function parseText(text: string): number | null {
  const iso = ISO_UTC.exec(text);
  if (iso) return fromParts(iso, iso[8] ?? 'Z');
  const spaced = SPACE_SEPARATED.exec(text);
  if (spaced) return fromParts(spaced, '');
  return null;
}

export function normaliseTime(raw: unknown, field = 'eventTime'): NormalisedTime {
  if (raw === undefined || raw === null || raw === '') {
    return { value: null, epochMs: null, warning: `${field} is missing` };
  }
  if (typeof raw === 'number' && Number.isFinite(raw) && raw > 0) {
    // Seconds or milliseconds since the epoch, as LookupEvents output sometimes carries them.
    const epochMs = raw < 1e11 ? Math.round(raw * 1000) : Math.round(raw);
    if (epochMs <= MAX_EPOCH_MS)
      return { value: formatUtc(epochMs), epochMs, warning: `${field} was a number; read as epoch time` };
    return { value: null, epochMs: null, warning: `${field} ${raw} is beyond any date; ignored` };
  }
  if (typeof raw !== 'string') {
    return { value: null, epochMs: null, warning: `${field} is not a string` };
  }
  // The common case: CloudTrail's own form, already canonical. Days up to 28 exist in every month.
  if (CANONICAL.test(raw)) {
    const epochMs = Date.parse(raw);
    if (
      raw.charCodeAt(8) < 50 ||
      (raw.charCodeAt(8) === 50 && raw.charCodeAt(9) <= 56) ||
      formatUtc(epochMs) === raw
    ) {
      return { value: raw, epochMs, warning: null };
    }
  }
  const exact = ISO_UTC.exec(raw);
  if (exact && (exact[8] ?? 'Z') === 'Z') {
    const epochMs = fromParts(exact, 'Z');
    if (epochMs !== null) return { value: formatUtc(epochMs), epochMs, warning: null };
  }
  const compact = raw.replace(/\s+/g, (space, offset: number) => {
    // Keep the single space between date and time that export formats use.
    return offset === 10 && space === ' ' && /^\d{4}-\d{2}-\d{2} \d/.test(raw) ? ' ' : '';
  });
  const epochMs = parseText(compact);
  if (epochMs !== null) {
    return { value: formatUtc(epochMs), epochMs, warning: `${field} "${raw}" normalised to UTC ISO 8601` };
  }
  return {
    value: raw,
    epochMs: null,
    warning: `${field} "${raw}" is not a timestamp that can be read unambiguously; kept as found`,
  };
}

/** "12 min", "2 h 5 min", "3 d 4 h": a delay as people say it. */
export function describeLag(seconds: number): string {
  const minutes = Math.max(0, Math.round(seconds / 60));
  if (minutes < 1) return `${Math.max(0, Math.round(seconds))} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}
