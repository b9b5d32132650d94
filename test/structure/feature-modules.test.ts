/**
 * Each optional feature is a module: a folder in lambda/features/ (its runtime part) and one in
 * lib/features/ (its CDK part), listed once in each registry. What a feature reaches outside its
 * folders is counted here, for the CDK and runtime layers (lib/, lambda/): a file that imports
 * from the feature's folders or names its config key. The lists are hand counts; a new coupling
 * fails the test, and so does one removed without updating the count.
 */

import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { RUNTIME_FEATURES } from '../../lambda/features';
import { FEATURES } from '../../lib/features';
import { typeScriptSources } from '../helpers/sources';

const ROOT = join(__dirname, '..', '..');
const SOURCES = [...typeScriptSources(join(ROOT, 'lib')), ...typeScriptSources(join(ROOT, 'lambda'))].map(
  (file) => relative(ROOT, file),
);

/**
 * Each feature's folder name, its other own files (the pure domain module, which the CLI shares;
 * the function of its own, for the features that have one) and its config key (remediation is
 * configured in the policy).
 */
const FEATURE_FOLDERS: Record<string, { folder: string; own: readonly string[]; configKey: RegExp | null }> =
  {
    violationEvents: {
      folder: 'violation-events',
      own: ['lambda/domain/violation-event.ts'],
      configKey: /\bviolationEvents\b/,
    },
    securityHub: {
      folder: 'security-hub',
      own: ['lambda/domain/security-hub/'],
      configKey: /\bsecurityHub\b/,
    },
    ownerTags: { folder: 'owner-tags', own: ['lambda/domain/owner-tags.ts'], configKey: /\bownerTags\b/ },
    remediation: {
      folder: 'remediation',
      own: ['lambda/domain/remediation/', 'lambda/remediation/'],
      configKey: null,
    },
    digests: {
      folder: 'digests',
      own: ['lambda/domain/digest/', 'lambda/digest/'],
      configKey: /\bconfig\.digests\b|^\s*digests: /m,
    },
    people: {
      folder: 'people',
      own: ['lambda/domain/person-filter.ts'],
      configKey: /\bconfig\.people\b|^\s*people: (PeopleSchema|'json')/m,
    },
    chat: {
      folder: 'chat',
      own: ['lambda/domain/chat-notification.ts'],
      configKey: /\bconfig\.chat\b|^\s*chat: /m,
    },
    trailPath: {
      folder: 'trail-path',
      own: ['lambda/trail/', 'lambda/adapters/s3-trail-log-source.ts'],
      configKey: /\bconfig\.trail\b|\bTrailConfig\b/,
    },
    inventory: {
      folder: 'inventory',
      own: [
        'lambda/inventory/',
        'lambda/domain/inventory/',
        'lambda/adapters/dynamodb-inventory-snapshots.ts',
      ],
      configKey: /\bconfig\.inventory\b|^\s*inventory: (InventorySchema|'json')/m,
    },
    organization: {
      folder: 'organization',
      own: ['lambda/adapters/organizations-account-directory.ts'],
      configKey: /\bconfig\.organization\b|^\s*organization: (z|'json')/m,
    },
  };

/** A file's code without its comments: a feature named in a doc example is not wired there. */
function codeOf(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
}

/** The relative imports of a file, as paths from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/from '(\.{1,2}\/[^']+)'/g)].map((m) =>
    relative(ROOT, resolve(ROOT, dirname(file), m[1] ?? '')),
  );
}

/** The files outside the feature's folders that import from them or name its config key. */
function sharedFilesOf(name: string): string[] {
  const feature = FEATURE_FOLDERS[name];
  if (!feature) throw new Error(`no folder known for ${name}`);
  const folders = [`lambda/features/${feature.folder}/`, `lib/features/${feature.folder}/`];
  const inFolders = (path: string) => folders.some((folder) => `${path}/`.startsWith(folder));
  const own = (path: string) =>
    inFolders(path) || feature.own.some((d) => path === d.replace(/\.ts$/, '') || path.startsWith(d));
  const key = feature.configKey;
  return SOURCES.filter((file) => !own(file))
    .filter((file) => importsOf(file).some(inFolders) || key?.test(codeOf(file)))
    .sort();
}

const REGISTRIES = ['lambda/features/index.ts', 'lib/features/index.ts'];

describe('every optional feature is a module', () => {
  it('has a CDK part, and a runtime part when it acts in the recording functions, each listed once', () => {
    expect(Object.keys(FEATURES).sort()).toEqual(Object.keys(FEATURE_FOLDERS).sort());
    expect(RUNTIME_FEATURES.map((f) => f.name).sort()).toEqual(
      ['ownerTags', 'remediation', 'securityHub', 'violationEvents'].sort(),
    );
  });

  it.each(['violationEvents', 'securityHub'])(
    '%s touches the two registries and the config schema only',
    (name) => {
      expect(sharedFilesOf(name)).toEqual([...REGISTRIES, 'lib/config.ts'].sort());
    },
  );

  it('owner tags touch the two registries, the config schema and the inventory', () => {
    // The scheduled inventory reads which tag holds the person.
    expect(sharedFilesOf('ownerTags')).toEqual(
      [...REGISTRIES, 'lib/config.ts', 'lib/features/inventory/index.ts'].sort(),
    );
  });

  it('the inventory touches the registry and the config schema only', () => {
    // Its function's settings are in lambda/settings/functions.ts with every function's.
    expect(sharedFilesOf('inventory')).toEqual(['lib/config.ts', 'lib/features/index.ts']);
  });

  it('remediation touches the registries, and the construct for its public `remediation`', () => {
    expect(sharedFilesOf('remediation')).toEqual([...REGISTRIES, 'lib/ec2trail.ts'].sort());
  });

  it('digests touch the registry, the config schema, the construct and people', () => {
    // The team's email subscriptions take the team digest too (a filter of the alert topic's),
    // and each person's subscription takes their own digest.
    expect(sharedFilesOf('digests')).toEqual([
      'lib/config.ts',
      'lib/ec2trail.ts',
      'lib/features/index.ts',
      'lib/features/people/index.ts',
    ]);
  });

  it('people touch the registry, the config schema, the construct and digests', () => {
    // The construct warns when nobody would receive an alert; a person's digest is the digests'.
    expect(sharedFilesOf('people')).toEqual([
      'lib/config.ts',
      'lib/ec2trail.ts',
      'lib/features/digests/index.ts',
      'lib/features/index.ts',
    ]);
  });

  it('the trail path touches the registry, the config schema, the construct, the app (the log-archive stack) and the inventory', () => {
    // A trail in another account gets a stack of its own there, which the app builds and lib/index.ts exports.
    expect(sharedFilesOf('trailPath')).toEqual([
      'lib/app.ts',
      'lib/config.ts',
      'lib/ec2trail.ts',
      'lib/features/index.ts',
      // The scheduled inventory reads the trail's files for launches older than Event history.
      'lib/features/inventory/index.ts',
      'lib/index.ts',
    ]);
  });

  it('the organization touches the registry, the config schema, the construct (account names), owner tags and the inventory', () => {
    // The attribution function reads account names from the organization; owner tags and the
    // inventory reach member accounts only in an organization deploy.
    expect(sharedFilesOf('organization')).toEqual([
      'lib/config.ts',
      'lib/ec2trail.ts',
      'lib/features/index.ts',
      'lib/features/inventory/index.ts',
      'lib/features/owner-tags/index.ts',
    ]);
  });

  it('chat touches every function that publishes: each alert carries the chat notification', () => {
    expect(sharedFilesOf('chat')).toEqual([
      'lambda/digest/index.ts',
      'lambda/remediation/index.ts',
      'lambda/settings/functions.ts',
      'lib/config.ts',
      'lib/ec2trail.ts',
      'lib/features/digests/index.ts',
      'lib/features/index.ts',
      'lib/features/remediation/index.ts',
    ]);
  });
});
