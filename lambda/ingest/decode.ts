/**
 * Decodes CloudTrail inputs, shared by the CLI and the trail-file function: plain or gzip, JSON or
 * NDJSON, parsed whole when small and read as a stream when large.
 */

import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { JsonElementSplitter } from './json-elements';

/** An error in a user's words: file system codes named plainly, anything else by its message. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = 'code' in error ? error.code : undefined;
    if (code === 'ENOENT') return 'no such file or directory';
    if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
    if (code === 'EISDIR') return 'is a directory';
    return error.message;
  }
  return String(error);
}

/** One parsed JSON document, or the reason a piece of input could not be read. */
export type InputItem =
  | {
      readonly kind: 'json';
      readonly origin: string;
      readonly value: unknown;
      /**
       * True when the input held bytes that are not UTF-8 before this document ended: they were
       * decoded as U+FFFD, so events holding that character were damaged and must say so.
       */
      readonly damaged?: boolean;
    }
  | { readonly kind: 'error'; readonly origin: string; readonly message: string };

export interface InputFile {
  readonly origin: string;
  /** Read as they are consumed, for files and stdin: memory does not grow with the input. */
  readonly items: AsyncIterable<InputItem> | readonly InputItem[];
}

/**
 * Inputs up to this many characters are parsed whole (errors then say line and column); larger
 * ones are read line by line (NDJSON) or event by event (`{"Records": [...]}`, arrays).
 */
export const WHOLE_INPUT_CHARS = 8 * 1024 * 1024;
/** How far a large input is read to find its first line (CloudTrail events are far shorter). */
const FIRST_LINE_CHARS = 4 * 1024 * 1024;

const GZIP_MAGIC = [0x1f, 0x8b];

function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/** "line L, column C" for a JSON.parse position, so users can jump to the mistake. */
export function jsonErrorMessage(error: unknown, text: string, singleLine = false): string {
  const message = error instanceof Error ? error.message : String(error);
  const match = /at position (\d+)/.exec(message);
  if (!match) return `invalid JSON: ${message}`;
  const position = Number(match[1]);
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  const reason = message
    .replace(/\s*(?:in|after) JSON at position \d+.*$/, '')
    .replace(/\s*\(line \d+ column \d+\)/, '');
  return singleLine
    ? `invalid JSON at column ${column}: ${reason}`
    : `invalid JSON at line ${line}, column ${column}: ${reason}`;
}

function parseNdjson(origin: string, text: string): InputItem[] {
  const result: InputItem[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]?.trim();
    if (!line) continue;
    try {
      result.push({ kind: 'json', origin: `${origin}:${i + 1}`, value: JSON.parse(line) });
    } catch (error) {
      result.push({
        kind: 'error',
        origin: `${origin}:${i + 1}`,
        message: jsonErrorMessage(error, line, true),
      });
    }
  }
  return result;
}

/** Decodes the bytes of one input into JSON documents. */
export function parseInput(origin: string, bytes: Uint8Array): InputItem[] {
  let data: Uint8Array = bytes;
  if (isGzip(bytes)) {
    try {
      data = gunzipSync(bytes);
    } catch (error) {
      return [{ kind: 'error', origin, message: `not a readable gzip file (${describeError(error)})` }];
    }
  }
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const items = parseText(origin, buffer.toString('utf8'));
  return isUtf8(buffer)
    ? items
    : items.map((item) => (item.kind === 'json' ? { ...item, damaged: true } : item));
}

/** How many trailing bytes begin a UTF-8 sequence the next chunk completes (0 to 3). */
function incompleteTail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue;
    if (byte < 0xc0) return 0;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return length > back ? back : 0;
  }
  return 0;
}

/** Whether a byte stream is valid UTF-8 so far, chunk by chunk, across sequences split between chunks. */
class Utf8Check {
  damaged = false;
  private carry: Uint8Array = new Uint8Array(0);

  take(chunk: Uint8Array): void {
    if (this.damaged) return;
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const tail = incompleteTail(bytes);
    if (!isUtf8(bytes.subarray(0, bytes.length - tail))) this.damaged = true;
    this.carry = bytes.slice(bytes.length - tail);
  }

  end(): void {
    if (this.carry.length > 0) this.damaged = true;
  }
}

/** The JSON documents of one whole input's text. */
function parseText(origin: string, text: string): InputItem[] {
  try {
    return [{ kind: 'json', origin, value: JSON.parse(text) }];
  } catch (wholeError) {
    // Only now look closer, so good input is scanned once, by the parser.
    if (!/\S/.test(text)) return [{ kind: 'error', origin, message: 'the file is empty' }];
    if (text.includes('\u0000')) return [{ kind: 'error', origin, message: 'binary data, not JSON text' }];
    // Newline-delimited JSON: each non-empty line is a document of its own.
    const firstLine = text.trimStart().split('\n', 1)[0] ?? '';
    const isNdjson = text.trim().includes('\n') && canParse(firstLine);
    return isNdjson
      ? parseNdjson(origin, text)
      : [{ kind: 'error', origin, message: jsonErrorMessage(wholeError, text) }];
  }
}

function canParse(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

async function* withFirst(first: Uint8Array, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

class GzipError extends Error {
  constructor(cause: unknown) {
    super(`not a readable gzip file (${describeError(cause)})`, { cause });
  }
}

/** The text of a byte stream, gunzipped when it starts like gzip; `check` learns of bytes that are not UTF-8. */
async function* textOf(source: AsyncIterable<Uint8Array>, check: Utf8Check): AsyncGenerator<string> {
  const bytes = source[Symbol.asyncIterator]();
  let first = await bytes.next();
  if (first.done) return;
  // Two bytes say whether it is gzip; a stream may hand them over one at a time.
  while (first.value.length < 2) {
    const more = await bytes.next();
    if (more.done) break;
    first = { done: false, value: Buffer.concat([first.value, more.value]) };
  }
  const all = withFirst(first.value, bytes);
  const decoded: AsyncIterable<Uint8Array> = isGzip(first.value)
    ? Readable.from(all).pipe(createGunzip({ chunkSize: 256 * 1024 }))
    : all;
  const decoder = new TextDecoder('utf-8');
  const iterator = decoded[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Uint8Array>;
    try {
      next = await iterator.next();
    } catch (error) {
      throw isGzip(first.value) ? new GzipError(error) : error;
    }
    if (next.done) break;
    check.take(next.value);
    const text = decoder.decode(next.value, { stream: true });
    if (text) yield text;
  }
  check.end();
  const rest = decoder.decode();
  if (rest) yield rest;
}

/**
 * The JSON documents of one input, read as a stream. Small inputs are parsed whole, as
 * `parseInput` does; past `WHOLE_INPUT_CHARS`, newline-delimited JSON is read line by line and
 * anything else event by event, so memory stays bounded by the largest event.
 */
export async function* streamInput(
  origin: string,
  source: AsyncIterable<Uint8Array>,
  wholeChars = WHOLE_INPUT_CHARS,
): AsyncGenerator<InputItem> {
  const check = new Utf8Check();
  // A document's text is decoded before it is parsed: when it is yielded, the check has seen its bytes.
  for await (const item of documentsOf(origin, textOf(source, check), wholeChars))
    yield item.kind === 'json' && check.damaged ? { ...item, damaged: true } : item;
}

async function* documentsOf(
  origin: string,
  texts: AsyncGenerator<string>,
  wholeChars: number,
): AsyncGenerator<InputItem> {
  let head = '';
  try {
    for (;;) {
      const next = await texts.next();
      if (next.done) {
        yield* parseText(origin, head);
        return;
      }
      head += next.value;
      if (head.length > wholeChars) break;
    }
    // Newline-delimited JSON is known by its first line: read on until one ends, within reason.
    while (!head.includes('\n') && head.length < wholeChars + FIRST_LINE_CHARS) {
      const next = await texts.next();
      if (next.done) break;
      head += next.value;
    }
    const newline = head.indexOf('\n');
    const firstLine = newline < 0 ? '' : head.slice(0, newline).trim();
    if (firstLine && canParse(firstLine)) yield* ndjsonLines(origin, head, texts);
    else yield* listElements(origin, head, texts);
  } catch (error) {
    yield {
      kind: 'error',
      origin,
      message: error instanceof GzipError ? error.message : describeError(error),
    };
  }
}

/** One document per line; a line longer than the bound is reported and passed over. */
async function* ndjsonLines(
  origin: string,
  head: string,
  rest: AsyncIterator<string>,
): AsyncGenerator<InputItem> {
  const maxLine = 64 * 1024 * 1024;
  let buffer = head;
  let lineNumber = 0;
  let skipping = false;
  const line = (text: string): InputItem | null => {
    lineNumber++;
    const trimmed = text.trim();
    if (!trimmed) return null;
    try {
      return { kind: 'json', origin: `${origin}:${lineNumber}`, value: JSON.parse(trimmed) };
    } catch (error) {
      return {
        kind: 'error',
        origin: `${origin}:${lineNumber}`,
        message: jsonErrorMessage(error, trimmed, true),
      };
    }
  };
  for (;;) {
    let start = 0;
    for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n', start)) {
      if (skipping) {
        skipping = false;
        lineNumber++;
      } else {
        const item = line(buffer.slice(start, end));
        if (item) yield item;
      }
      start = end + 1;
    }
    buffer = buffer.slice(start);
    if (buffer.length > maxLine) {
      yield {
        kind: 'error',
        origin: `${origin}:${lineNumber + 1}`,
        message: 'a line longer than 64 MB: passed over',
      };
      buffer = '';
      skipping = true;
    }
    const next = await rest.next();
    if (next.done) break;
    buffer += next.value;
  }
  if (!skipping) {
    const item = line(buffer);
    if (item) yield item;
  }
}

/** The events of `{"Records": [...]}`, `{"Events": [...]}` or a top-level array, one at a time. */
async function* listElements(
  origin: string,
  head: string,
  rest: AsyncIterator<string>,
): AsyncGenerator<InputItem> {
  const splitter = new JsonElementSplitter();
  let text: string | null = head;
  while (text !== null) {
    for (const element of splitter.push(text)) {
      try {
        const value = JSON.parse(element.text) as unknown;
        yield { kind: 'json', origin, value: element.key === null ? [value] : { [element.key]: [value] } };
      } catch (error) {
        yield {
          kind: 'error',
          origin: `${origin} (event ${splitter.elements})`,
          message: jsonErrorMessage(error, element.text, true),
        };
      }
    }
    const next = await rest.next();
    text = next.done ? null : next.value;
  }
  if (splitter.oversized > 0)
    yield { kind: 'error', origin, message: `${splitter.oversized} event(s) longer than 64 MB: passed over` };
  if (splitter.unfinished)
    yield { kind: 'error', origin, message: 'the input ends in the middle of an event: it was cut short' };
  else if (splitter.elements === 0)
    yield {
      kind: 'error',
      origin,
      message: `larger than ${WHOLE_INPUT_CHARS / 1024 / 1024} MB and neither newline-delimited JSON nor a list of events ({"Records": [...]}, {"Events": [...]} or an array)`,
    };
}
