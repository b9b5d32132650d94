/** Reads CloudTrail inputs from files, folders and stdin; decoding is shared with the trail-file function. */

import { createReadStream } from 'node:fs';
import { lstat, opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type InputFile, streamInput } from '../lambda/ingest/decode';
import { describeError } from './errors';

export {
  type InputFile,
  type InputItem,
  jsonErrorMessage,
  parseInput,
  streamInput,
  WHOLE_INPUT_CHARS,
} from '../lambda/ingest/decode';

// Folders of trail logs often hold notes and manifests beside the logs: those are not inputs.
const DOCUMENT_EXTENSIONS =
  /\.(md|markdown|rst|html?|pdf|png|jpe?g|gif|svg|csv|sh|py|ts|js|mjs|yml|yaml|toml|ini)$/i;

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
      yield { origin: '<stdin>', items: streamInput('<stdin>', process.stdin) };
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
      yield { origin: file.path, items: streamInput(file.path, createReadStream(file.path)) };
    }
  }
}

/**
 * How many input files the paths hold, walked as `readInputs` walks them (a path that cannot be
 * read counts as one, as it is reported as one); null when a path is stdin or S3, whose size is
 * unknown. Only names are listed: nothing is opened.
 */
export async function countInputFiles(paths: readonly string[]): Promise<number | null> {
  let total = 0;
  for (const path of paths) {
    if (path === '-' || path.startsWith('s3://')) return null;
    let isDirectory = false;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch {
      // Reported by readInputs as one unreadable input.
    }
    if (!isDirectory) total++;
    else for await (const _file of walk(path)) total++;
  }
  return total;
}

async function* single(path: string): AsyncGenerator<{ path: string }> {
  yield { path };
}
