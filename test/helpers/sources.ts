/** The TypeScript sources under a folder, for the tests that read the code itself (structure checks). */

import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function typeScriptSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? typeScriptSources(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}
