/**
 * The project of a test comes from its file name, never from a list:
 * - `*.int.test.ts` (integration): talks to DynamoDB Local, the fauxqs SNS/SQS/S3 emulator and
 *   moto's server (EC2, STS, Scheduler, Security Hub, Organizations), started once for the run by
 *   the global setup; each file makes its own tables.
 * - `test/infra/**` (infra): synthesizes the CDK app (without esbuild bundling, except the tests
 *   whose subject is the bundle).
 * - `*.slow.test.ts` (slow): the long proofs (the 100,000-event load test, the README's AWS CLI
 *   queries word for word); run by `npm run test:slow`, not by `npm test`.
 * - everything else (unit): pure code, the CLI in process, the emulated AWS APIs of a test's own.
 */
const base = {
  testEnvironment: 'node',
  rootDir: __dirname,
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  setupFilesAfterEnv: ['<rootDir>/test/helpers/stop-local.ts'],
};

const services = {
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/test/helpers/stop-local.ts', '<rootDir>/test/helpers/drop-tables.ts'],
};

const ALL = '<rootDir>/test/**/*.test.ts';
const INT = /\.int\.test\.ts$/.source;
const SLOW = /\.slow\.test\.ts$/.source;
const INFRA = '/test/infra/';

/** @type {import('jest').Config} */
module.exports = {
  // A guard against a hang, not a goal: a busy machine can make a correct test ten times slower.
  testTimeout: 120_000,
  // Two workers on two cores: most tests wait on Java, a child process or the emulator.
  // (scripts/run-tests.mjs runs the infra project on one.)
  maxWorkers: 2,
  // Every worker is replaced after each file: jest compares this with the heap in use, but what a
  // file leaves is resident memory V8 keeps (a synth leaves half a gigabyte), so only a fresh
  // worker gives it back. It costs a Node start per file.
  workerIdleMemoryLimit: '1MB',
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: [ALL],
      testPathIgnorePatterns: ['/node_modules/', INT, SLOW, INFRA],
    },
    {
      ...base,
      displayName: 'infra',
      testMatch: [`<rootDir>${INFRA}**/*.test.ts`],
      testPathIgnorePatterns: ['/node_modules/', INT, SLOW],
    },
    {
      ...base,
      ...services,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.int.test.ts'],
    },
    {
      ...base,
      ...services,
      displayName: 'slow',
      testMatch: ['<rootDir>/test/**/*.slow.test.ts'],
    },
  ],
};
