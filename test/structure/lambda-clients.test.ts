/**
 * The functions build their AWS clients in known places, each with its kind of call's attempts
 * set once: the clients the core and several features share in lambda/runtime/clients.ts, and a
 * client only one feature calls in that feature's entry module (lambda/features/<name>/index.ts).
 * A client built anywhere else is listed here and fails.
 */

import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { typeScriptSources } from '../helpers/sources';

const LAMBDA = join(__dirname, '..', '..', 'lambda');

describe('the functions build their AWS clients in one place', () => {
  it('constructs SDK clients in lambda/runtime/clients.ts and the feature entry modules only', () => {
    const sites = typeScriptSources(LAMBDA).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, index) =>
          /new [A-Z][A-Za-z0-9]*Client\(/.test(line) && !/^\s*(\*|\/\/)/.test(line)
            ? [`${relative(LAMBDA, file)}:${index + 1}`]
            : [],
        ),
    );
    expect(sites.length).toBeGreaterThan(0);
    const allowed = /^(runtime\/clients\.ts|features\/[a-z-]+\/index\.ts):/;
    expect(sites.filter((site) => !allowed.test(site))).toEqual([]);
  });

  it('sets the attempts of every client a feature builds', () => {
    const features = typeScriptSources(join(LAMBDA, 'features')).filter((f) => f.endsWith('index.ts'));
    const built = features.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/new [A-Z][A-Za-z0-9]*Client\(([^)]*)\)/g)].map((m) => ({
        file: relative(LAMBDA, file),
        config: m[1] ?? '',
      })),
    );
    expect(built.length).toBeGreaterThan(0);
    expect(built.filter((b) => !/maxAttempts: [A-Z_]+/.test(b.config))).toEqual([]);
  });
});
