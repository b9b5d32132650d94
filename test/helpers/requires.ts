/**
 * Tests that need something outside the project (a browser, the AWS CLI, the shared corpus)
 * say why when they skip, on stderr, where jest's --silent does not hide it; under CI, whose
 * .ci/run installs what they need, a missing part fails instead of skipping.
 */
export function describeIf(present: boolean, missing: string): jest.Describe {
  if (present) return describe;
  if (process.env.CI) throw new Error(`${missing}, and CI needs it (.ci/run installs it)`);
  process.stderr.write(`skipped: ${missing} (${expect.getState().testPath ?? 'a test file'})\n`);
  return describe.skip;
}

/** The same for one test. */
export function itIf(present: boolean, missing: string): jest.It {
  if (present) return it;
  if (process.env.CI) throw new Error(`${missing}, and CI needs it (.ci/run installs it)`);
  process.stderr.write(`skipped: ${missing} (${expect.getState().testPath ?? 'a test file'})\n`);
  return it.skip;
}
