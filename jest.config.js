/**
 * Three projects, all run by `npm test`:
 * - unit: pure code and the CLI's parsing and file reading; no Java, no emulator, no synth.
 *   `npm run test:unit` runs it alone, in seconds.
 * - infra: synthesizes the real CDK app (esbuild bundling) and simulates the table's keys.
 * - integration: everything else, against DynamoDB Local and the fauxqs SNS/SQS emulator,
 *   started once for the run. A new test file lands here unless it is listed below.
 */
const base = {
  testEnvironment: 'node',
  rootDir: __dirname,
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
};

const UNIT = [
  '<rootDir>/test/domain/**/*.test.ts',
  '<rootDir>/test/lineage/**/*.test.ts',
  '<rootDir>/test/fuzz/**/*.test.ts',
  '<rootDir>/test/conformance/**/*.test.ts',
  '<rootDir>/test/faults/security.test.ts',
  '<rootDir>/test/lambda/handler.test.ts',
  '<rootDir>/test/lambda/violation-events-flow.test.ts',
  '<rootDir>/test/lambda/security-hub-flow.test.ts',
  '<rootDir>/test/lambda/finding-reporter.test.ts',
  '<rootDir>/test/scale/index-shards.test.ts',
  '<rootDir>/test/infra/closest-name.test.ts',
  '<rootDir>/test/cli/arguments.test.ts',
  '<rootDir>/test/cli/replay-progress.test.ts',
  '<rootDir>/test/cli/table-width.test.ts',
  '<rootDir>/test/cli/aws-config-file.test.ts',
  '<rootDir>/test/cli/doctor.test.ts',
  '<rootDir>/test/cli/doctor-paging.test.ts',
  '<rootDir>/test/cli/input-stream.test.ts',
  '<rootDir>/test/cli/inspect.test.ts',
  '<rootDir>/test/cli/inspect-findings.test.ts',
  '<rootDir>/test/cli/policy.test.ts',
  '<rootDir>/test/cli/record-json.test.ts',
  '<rootDir>/test/trail/messages.test.ts',
  '<rootDir>/test/trail/worker-faults.test.ts',
  '<rootDir>/test/adapters/ec2-owner-tagger.test.ts',
  '<rootDir>/test/adapters/remediation-adapters.test.ts',
  '<rootDir>/test/adapters/member-account-ec2.test.ts',
  '<rootDir>/test/adapters/history-tagger.test.ts',
  '<rootDir>/test/adapters/eventbridge-violation-bus.test.ts',
  '<rootDir>/test/adapters/securityhub-finding-sink.test.ts',
  '<rootDir>/test/cli/report-html.test.ts',
];
const INFRA = ['<rootDir>/test/infra/**/*.test.ts', '<rootDir>/test/scale/hot-keys.test.ts'];

/** jest's ignore patterns are regular expressions over the path, not globs. */
function asPattern(glob) {
  return glob.replace('<rootDir>/', '/').replace(/\./g, '\\.').replace('/**/*', '/.*').concat('$');
}

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30000,
  projects: [
    { ...base, displayName: 'unit', testMatch: UNIT },
    {
      ...base,
      displayName: 'infra',
      testMatch: INFRA,
      testPathIgnorePatterns: ['/node_modules/', ...UNIT.map(asPattern)],
    },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...[...UNIT, ...INFRA].map(asPattern)],
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/helpers/drop-tables.ts'],
    },
  ],
};
