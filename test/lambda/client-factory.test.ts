/**
 * The functions build every AWS client in one module (lambda/runtime/clients.ts), where each
 * kind of call's attempts are set once: a client built anywhere else is listed here and fails.
 */

import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { typeScriptSources } from '../helpers/sources';

const LAMBDA = join(__dirname, '..', '..', 'lambda');

describe('the functions build their AWS clients in one place', () => {
  it('constructs SDK clients in lambda/runtime/clients.ts only', () => {
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
    expect(sites.filter((site) => !site.startsWith('runtime/clients.ts:'))).toEqual([]);
  });
});
