/** The shared corpus of published CloudTrail records beside the project, when it is there. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli';

export const CORPUS = join(ROOT, '..', 'shared', 'corpus', 'cloudtrail');

/** Every record file of the corpus (its notes, `.md`, left out), in a stable order. */
export function corpusFiles(dir = CORPUS): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return corpusFiles(path);
      return name.endsWith('.md') ? [] : [path];
    });
}
