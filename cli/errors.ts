/** A mistake by the user (bad flag, bad value): reported as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A problem with the environment the user can fix (missing Java, unreachable table): one line, exit 1. */
export class UserFacingError extends Error {
  override readonly name = 'UserFacingError';
  constructor(
    message: string,
    readonly exitCode = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An error in a user's words; shared with the trail-file function's decoding. */
export { describeError } from '../lambda/ingest/decode';
