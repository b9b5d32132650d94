#!/usr/bin/env node
// The jest half of `npm test`, in three phases so that the process tree stays small:
//   1. infra: the CDK synth tests, one worker (each holds aws-cdk-lib and a whole app);
//   2. unit, two workers, with no shared service (the warm-store tests start their own Java);
//   3. integration, two workers, beside DynamoDB Local, the SNS/SQS/S3 emulator and moto's server.
// Apart, the unit phase's own DynamoDB Locals never run beside the shared services.
// Every phase always runs; the exit code is the first failure's. Their jest results go to
// .test-results/jest-<phase>.json, and their sum to .test-results/jest.json,
// which .ci/run reads for its closing line. `node scripts/run-tests.mjs slow` runs the slow proofs
// (.test-results/jest-slow.json). Arguments after the phase name go to jest.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const RESULTS = join(ROOT, '.test-results');
const JEST = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');

const PHASES = {
  default: [
    { name: 'infra', args: ['--selectProjects', 'infra', '--maxWorkers', '1'] },
    { name: 'unit', args: ['--selectProjects', 'unit'] },
    { name: 'integration', args: ['--selectProjects', 'integration'] },
  ],
  slow: [{ name: 'slow', args: ['--selectProjects', 'slow', '--maxWorkers', '1'] }],
};

const which = process.argv[2] ?? 'default';
const phases = PHASES[which];
if (!phases) {
  process.stderr.write(`usage: node scripts/run-tests.mjs [slow]\n`);
  process.exit(2);
}
mkdirSync(RESULTS, { recursive: true });

let status = 0;
const totals = {
  numPassedTests: 0,
  numFailedTests: 0,
  numPendingTests: 0,
  numTodoTests: 0,
  numRuntimeErrorTestSuites: 0,
};
for (const phase of phases) {
  const output = join(RESULTS, `jest-${phase.name}.json`);
  const run = spawnSync(
    process.execPath,
    [JEST, '--silent', ...phase.args, '--json', `--outputFile=${output}`, ...process.argv.slice(3)],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (run.status !== 0 && status === 0) status = run.status ?? 1;
  if (!existsSync(output)) {
    totals.numRuntimeErrorTestSuites++;
    continue;
  }
  const result = JSON.parse(readFileSync(output, 'utf8'));
  for (const key of Object.keys(totals)) totals[key] += result[key] ?? 0;
}
if (which === 'default') writeFileSync(join(RESULTS, 'jest.json'), `${JSON.stringify(totals)}\n`);
process.exit(status);
