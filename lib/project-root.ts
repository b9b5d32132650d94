/** The repository root, found from wherever this code runs: the sources, or the CLI bundle in dist/. */

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function find(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && /"name":\s*"ec2trail"/.test(readFileSync(manifest, 'utf8'))) return dir;
    if (dirname(dir) === dir) return join(start, '..');
  }
}

/** The package's root folder: the repository, or the installed package. */
export const PROJECT_ROOT = find(__dirname);
