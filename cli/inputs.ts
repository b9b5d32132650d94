/** Reads CloudTrail inputs from files, folders and stdin: plain or gzip, JSON or NDJSON. */

import { lstat, opendir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describeError } from './errors';

/** One parsed JSON document, or the reason a piece of input could not be read. */
export type InputItem =
  | { readonly kind: 'json'; readonly origin: string; readonly value: unknown }
  | { readonly kind: 'error'; readonly origin: string; readonly message: string };

export interface InputFile {
  readonly origin: string;
  readonly items: readonly InputItem[];
}

const GZIP_MAGIC = [0x1f, 0x8b];
// Folders of trail logs often hold notes and manifests beside the logs: those are not inputs.
const DOCUMENT_EXTENSIONS =
  /\.(md|markdown|rst|html?|pdf|png|jpe?g|gif|svg|csv|sh|py|ts|js|mjs|yml|yaml|toml|ini)$/i;

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
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
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

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function* walk(dir: string): AsyncGenerator<{ path: string } | { path: string; error: string }> {
  let entries: string[];
  try {
    const handle = await opendir(dir);
    entries = [];
    for await (const entry of handle) entries.push(entry.name);
  } catch (error) {
    yield { path: dir, error: describeError(error) };
    return;
  }
  entries.sort();
  for (const name of entries) {
    // Hidden files, and the digest files CloudTrail writes beside the logs (hashes, not events).
    if (name.startsWith('.') || name === 'CloudTrail-Digest') continue;
    const path = join(dir, name);
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await lstat(path);
      // A link to a file is read; a link to a folder is not followed, since links can loop (`a -> .`).
      if (info.isSymbolicLink()) {
        info = await stat(path);
        if (info.isDirectory()) {
          yield {
            path,
            error: 'a symbolic link to a folder: not followed (links can loop); name its target to read it',
          };
          continue;
        }
      }
    } catch (error) {
      yield { path, error: describeError(error) };
      continue;
    }
    if (info.isDirectory()) yield* walk(path);
    else if (!DOCUMENT_EXTENSIONS.test(name)) yield { path };
  }
}

/**
 * Yields each input file with its documents, in a stable order. A folder is walked recursively,
 * skipping hidden files and documents such as `.md` or `.csv`; `-` reads stdin.
 */
export async function* readInputs(paths: readonly string[]): AsyncGenerator<InputFile> {
  for (const path of paths) {
    if (path === '-') {
      yield { origin: '<stdin>', items: parseInput('<stdin>', await readStdin()) };
      continue;
    }
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch (error) {
      yield { origin: path, items: [{ kind: 'error', origin: path, message: describeError(error) }] };
      continue;
    }
    const files = isDirectory ? walk(path) : single(path);
    for await (const file of files) {
      if ('error' in file) {
        yield { origin: file.path, items: [{ kind: 'error', origin: file.path, message: file.error }] };
        continue;
      }
      try {
        yield { origin: file.path, items: parseInput(file.path, await readFile(file.path)) };
      } catch (error) {
        yield {
          origin: file.path,
          items: [{ kind: 'error', origin: file.path, message: describeError(error) }],
        };
      }
    }
  }
}

async function* single(path: string): AsyncGenerator<{ path: string }> {
  yield { path };
}
