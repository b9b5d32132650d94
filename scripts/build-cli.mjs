// Bundles the CLI into dist/ec2trail.cjs so it starts without compiling TypeScript.
// Run by `npm ci` (prepare) and `npm run build`; bin/ec2trail.mjs falls back to the sources
// through tsx whenever they are newer than the bundle.
import { build } from 'esbuild';

await build({
  entryPoints: ['cli/entry.ts'],
  outfile: 'dist/ec2trail.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
