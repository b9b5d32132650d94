/**
 * Text that reaches people: values from an event are flattened to one line, capped and quoted
 * before they enter an email or SMS, so nothing an API caller wrote can pose as our own text.
 */

// Control and format characters (bidi overrides included) and line/paragraph separators.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu;

/** One line: control, format and line-separator characters become spaces, runs of space collapse. */
export function oneLine(text: string): string {
  return text.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
}

/** `text` itself when it fits in `max` characters, else its start and the ellipsis. */
export function cut(text: string, max: number, ellipsis = '…'): string {
  return text.length <= max ? text : `${text.slice(0, max - ellipsis.length).trimEnd()}${ellipsis}`;
}

/** A count with its noun: `1 instance`, `2 instances` (`many` for nouns that do not take an s). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** How long a value from an event may be in an email line. */
export const VALUE_MAX = 200;

/** A value from the event as it may appear in an email: one line, capped. */
export function flat(value: string, max = VALUE_MAX): string {
  return cut(oneLine(value), max);
}

/** Free text from the event, visibly marked as quoted: one line, capped, inside double quotes. */
export function quoted(value: string, max = VALUE_MAX): string {
  return `"${cut(oneLine(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"'), max)}"`;
}

// Identifiers (ids, ARNs, instance types, regions, IAM names) read plainly; anything else is quoted.
const PLAIN = /^[A-Za-z0-9_.@:/+=,#*-]+$/;

/**
 * A value from the event as shown to people: one line, capped, and quoted unless it is
 * identifier-like, so a value with spaces or odd characters can never read as our own words.
 */
export function shown(value: string, max = VALUE_MAX): string {
  const line = flat(value, max);
  return PLAIN.test(line) ? line : quoted(value, max);
}

/** The GSM 03.38 basic character set (line feed, carriage return and escape left out). */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** The extension table: each costs two characters of an SMS (escape + character). */
const GSM_EXTENSION = new Set('^{}\\[~]|€');

/** Septets a GSM-7 text takes: extension characters count twice. */
export function gsmLength(text: string): number {
  let length = 0;
  for (const c of text) length += GSM_EXTENSION.has(c) ? 2 : 1;
  return length;
}

/**
 * GSM-7 text: one SMS holds 160 such septets, but only 70 characters once any other character
 * appears. Accents outside the set are dropped (é stays, ő becomes o); anything else becomes `?`.
 */
export function gsmSafe(text: string): string {
  let out = '';
  for (const c of oneLine(text)) {
    if (GSM_BASIC.has(c) || GSM_EXTENSION.has(c)) out += c;
    else if (c === '×') out += 'x';
    else {
      const base = c.normalize('NFKD').replace(/\p{M}/gu, '');
      out += [...base].every((b) => GSM_BASIC.has(b)) && base.length > 0 ? base : '?';
    }
  }
  return out;
}

/** `text` cut to at most `max` GSM-7 septets, ending in `...` when cut. */
export function cutGsm(text: string, max: number): string {
  if (gsmLength(text) <= max) return text;
  let out = '';
  let length = 0;
  for (const c of text) {
    const size = GSM_EXTENSION.has(c) ? 2 : 1;
    if (length + size > max - 3) break;
    out += c;
    length += size;
  }
  return `${out.trimEnd()}...`;
}
