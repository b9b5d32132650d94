/**
 * The JSON record and the stored row are a public API: tools parse the CLI's `--json` lines and
 * query the table with the AWS CLI. Their field names are pinned per version in schema/; a field
 * added, renamed or removed fails here until it gets a new version file and version number, and
 * a published version file can never be edited (its digest is fixed below, when it is published).
 */

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECORD_SCHEMA_VERSION, ROW_SCHEMA_VERSION } from '../../lambda/schema/public-schema';
import type { Fields } from '../helpers/json-shape';
import { publicShapes } from './shapes';

const SCHEMA = join(__dirname, '..', '..', 'schema');

/** The SHA-256 of each published version file: a new version adds a line; none is ever changed. */
const PUBLISHED: Record<string, string> = {
  'record.v1.json': '149511052015ddc8b1cc1c4c33ff4381f26b341c9c77cc35f4afb8a61cddcd8d',
  'row.v1.json': '82d1b07a8013d05a414c2e9e4d0e4061ba96d45b776a214b1918da05cd23bd0f',
  'row.v2.json': '508c9a5201056820a94cfb2c29005aa2d405a9d61e96762d959504929d3cf3d3',
};

function versionFile(name: string): { version: number; fields: Fields } {
  return JSON.parse(readFileSync(join(SCHEMA, name), 'utf8')) as { version: number; fields: Fields };
}

/** Top-level and nested field names, as `a.b` paths, for a readable difference. */
function paths(fields: Fields, prefix = ''): string[] {
  return Object.entries(fields).flatMap(([name, value]) => {
    const path = `${prefix}${name}`;
    const inner = Array.isArray(value) ? value[0] : value;
    return [path, ...(inner ? paths(inner, `${path}${Array.isArray(value) ? '[].' : '.'}`) : [])];
  });
}

describe('the public schema', () => {
  const shapes = publicShapes();

  it.each([
    ['record', RECORD_SCHEMA_VERSION, shapes.record],
    ['row', ROW_SCHEMA_VERSION, shapes.row],
  ] as const)('the %s has the fields of its version (%i)', (kind, version, fields) => {
    const pinned = versionFile(`${kind}.v${version}.json`);
    expect(pinned.version).toBe(version);
    // A difference here is a change to a public API: publish schema/<kind>.v<N+1>.json and bump the version.
    expect(paths(fields)).toEqual(paths(pinned.fields));
  });

  it('never changes a published version file', () => {
    const files = readdirSync(SCHEMA).filter((name) => name.endsWith('.json'));
    const digests = Object.fromEntries(
      files.map((name) => [
        name,
        createHash('sha256')
          .update(readFileSync(join(SCHEMA, name)))
          .digest('hex'),
      ]),
    );
    expect(digests).toEqual(PUBLISHED);
  });

  it('documents every top-level field of the record and the row, and the versions', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'record.md'), 'utf8');
    const missing = [...Object.keys(shapes.record), ...Object.keys(shapes.row)].filter(
      (name) => !doc.includes(`\`${name}\``),
    );
    expect([...new Set(missing)]).toEqual([]);
    expect(doc).toContain(`record.v${RECORD_SCHEMA_VERSION}.json`);
    expect(doc).toContain(`row.v${ROW_SCHEMA_VERSION}.json`);
  });
});
