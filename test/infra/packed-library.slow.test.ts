/**
 * ec2trail as a package: `npm pack` gives a tarball without tests, bench or fixtures; a CDK app
 * of someone else's, with the tarball in its node_modules, synthesizes an Ec2Trail with its
 * functions bundled; the CLI in the tarball runs. Offline: the app's other packages are this
 * repository's installed ones, linked, as npm would have installed them from the registry.
 * A slow proof (`npm run test:slow`): `npm pack` compiles the library, half a minute.
 */

import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** The npm `npm test` runs under (npm_execpath), or the one on PATH. */
function npm(args: string[], cwd: string): string {
  const [command, prefix] = process.env.npm_execpath
    ? [process.execPath, [process.env.npm_execpath]]
    : ['npm', []];
  return execFileSync(command, [...prefix, ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('the packed package', () => {
  const work = mkdtempSync(join(tmpdir(), 'ec2trail-pack-'));
  const app = join(work, 'app');
  const installed = join(app, 'node_modules', 'ec2trail');
  let files: string[] = [];

  beforeAll(() => {
    // `npm pack` runs prepack: the CLI bundle and the compiled library.
    const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', work], ROOT)) as {
      filename: string;
      files: { path: string }[];
    }[];
    if (!packed) throw new Error('npm pack reported no tarball');
    files = packed.files.map((f) => f.path);
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    execFileSync('tar', ['-xzf', join(work, packed.filename), '-C', join(app, 'node_modules')]);
    renameSync(join(app, 'node_modules', 'package'), installed);
    for (const entry of readdirSync(join(ROOT, 'node_modules')))
      if (entry !== 'ec2trail')
        symlinkSync(join(ROOT, 'node_modules', entry), join(app, 'node_modules', entry));
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'platform-infra', private: true, dependencies: { ec2trail: '0.1.0' } }),
    );
    // NodejsFunction finds the project by its lock file.
    writeFileSync(
      join(app, 'package-lock.json'),
      JSON.stringify({ name: 'platform-infra', lockfileVersion: 3 }),
    );
  }, 300_000);

  it('holds the library, the functions, the CLI and the default policy, and no tests, bench or fixtures', () => {
    for (const needed of [
      'dist/pkg/lib/index.js',
      'dist/pkg/lib/index.d.ts',
      'dist/pkg/lib/ec2trail.d.ts',
      'dist/ec2trail.cjs',
      'bin/ec2trail.mjs',
      'lambda/index.ts',
      'lambda/trail/index.ts',
      'policy/default-policy.json',
    ])
      expect(files).toContain(needed);
    expect(files.filter((f) => /^(test|bench|support|scripts|\.ci)\/|\.test\.ts$|fixtures/.test(f))).toEqual(
      [],
    );
  });

  it("synthesizes docs/library.md's example in another team's CDK app, word for word, functions bundled", () => {
    const example = /```ts\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, 'docs', 'library.md'), 'utf8'))?.[1];
    if (!example) throw new Error('docs/library.md has no TypeScript example');
    writeFileSync(join(app, 'app.ts'), example);
    // Typed against the package's declarations, as the team's editor and build would check it.
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
        },
        files: ['app.ts'],
      }),
    );
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app], {
      cwd: app,
      encoding: 'utf8',
    });
    // Node 24 runs TypeScript as it is; the CDK writes the assembly where CDK_OUTDIR says.
    execFileSync(process.execPath, ['app.ts'], {
      cwd: app,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CDK_OUTDIR: join(app, 'cdk.out') },
    });
    const template = JSON.parse(readFileSync(join(app, 'cdk.out', 'Security.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const types = Object.values(template.Resources).map((r) => r.Type);
    expect(types).toContain('AWS::DynamoDB::Table');
    expect(types).toContain('AWS::Events::Rule');
    const functions = Object.values(template.Resources).filter(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Runtime === 'nodejs24.x',
    );
    // The attribution function and the alarm relay; each bundle is an asset folder with its code.
    expect(functions.length).toBe(2);
    const bundles = readdirSync(join(app, 'cdk.out')).filter((d) => d.startsWith('asset.'));
    const withCode = bundles.filter((d) => readdirSync(join(app, 'cdk.out', d)).includes('index.mjs'));
    expect(withCode.length).toBe(2);
  });

  it('reports every mistake in the props at once, without a stack trace of ours', () => {
    writeFileSync(
      join(app, 'bad.mjs'),
      `import { App, Stack } from 'aws-cdk-lib';
       import { ConfigError, Ec2Trail } from 'ec2trail';
       const stack = new Stack(new App(), 'Security');
       try {
         new Ec2Trail(stack, 'Ec2Trail', { alertEmails: ['not-an-email'], logRetentionDays: 4 });
       } catch (error) {
         if (!(error instanceof ConfigError)) throw error;
         process.stdout.write(JSON.stringify(error.problems));
       }`,
    );
    const problems = JSON.parse(execFileSync(process.execPath, ['bad.mjs'], { cwd: app, encoding: 'utf8' }));
    expect(problems).toEqual([
      'alertEmails[0]: "not-an-email" is not an email address',
      expect.stringMatching(/^logRetentionDays: must be a CloudWatch Logs retention/),
    ]);
  });

  it('runs the CLI from the package, whatever times npm gave its files', () => {
    // npm gives unpacked files the time of the install: the sources may look newer than the bundle.
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(installed, 'lambda', 'index.ts'), later, later);
    const cli = join(installed, 'bin', 'ec2trail.mjs');
    const policy = join(installed, 'policy', 'default-policy.json');
    const out = execFileSync(process.execPath, [cli, 'policy', 'check', policy], {
      cwd: app,
      encoding: 'utf8',
      env: { ...process.env, EC2TRAIL_FROM_SOURCES: '' },
    });
    expect(out).toMatch(/valid/i);
  });
});
