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
 * Each feature's folder name, its pure domain module (the domain layer is a folder of its own,
 * shared with the CLI), and its config key (remediation is configured in the policy).
 */
const FEATURE_FOLDERS: Record<
  string,
  { folder: string; domain: readonly string[]; configKey: RegExp | null }
> = {
  violationEvents: {
    folder: 'violation-events',
    domain: ['lambda/domain/violation-event.ts'],
    configKey: /\bviolationEvents\b/,
  },
  securityHub: {
    folder: 'security-hub',
    domain: ['lambda/domain/security-hub/'],
    configKey: /\bsecurityHub\b/,
  },
  ownerTags: { folder: 'owner-tags', domain: ['lambda/domain/owner-tags.ts'], configKey: /\bownerTags\b/ },
  remediation: {
    folder: 'remediation',
    // The function that stops instances at their deadline is remediation's own.
    domain: ['lambda/domain/remediation/', 'lambda/remediation/'],
    configKey: null,
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
    inFolders(path) || feature.domain.some((d) => path === d.replace(/\.ts$/, '') || path.startsWith(d));
  const key = feature.configKey;
  return SOURCES.filter((file) => !own(file))
    .filter((file) => importsOf(file).some(inFolders) || key?.test(codeOf(file)))
    .sort();
}

const REGISTRIES = ['lambda/features/index.ts', 'lib/features/index.ts'];

describe('every optional feature is a module', () => {
  it('has a runtime part and a CDK part, each listed once', () => {
    const runtime = RUNTIME_FEATURES.map((f) => f.name).sort();
    expect(runtime).toEqual(Object.keys(FEATURES).sort());
    expect(runtime).toEqual(Object.keys(FEATURE_FOLDERS).sort());
  });

  it('touches the two registries and the config schema only: violation events and Security Hub', () => {
    expect(sharedFilesOf('violationEvents')).toEqual([...REGISTRIES, 'lib/config.ts'].sort());
    expect(sharedFilesOf('securityHub')).toEqual([...REGISTRIES, 'lib/config.ts'].sort());
  });

  it('touches the registries, and the construct for its public `remediation`: remediation', () => {
    expect(sharedFilesOf('remediation')).toEqual([...REGISTRIES, 'lib/ec2trail.ts'].sort());
  });

  it('touches the registries and the config schema only: owner tags, with its role in member accounts', () => {
    // The member accounts' owner-tag role joins the organization's StackSet as a MemberPart.
    expect(sharedFilesOf('ownerTags')).toEqual([...REGISTRIES, 'lib/config.ts'].sort());
  });
});
