/** Retries of one AWS call with doubling waits and full jitter, for the codes a retry can fix. */

import { backoffDelay } from './backoff';

/** The error code of an SDK error (`Code` for EC2's XML errors, else the error's name). */
export function codeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { name, Code } = error as { name?: unknown; Code?: unknown };
    if (typeof Code === 'string') return Code;
    if (typeof name === 'string') return name;
  }
  return 'Error';
}

/** Codes that say "try again later" across EC2 and the JSON services. */
export const THROTTLED = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'InternalError',
  'InternalServerException',
  'ServiceUnavailable',
  'Unavailable',
]);

export interface RetryOptions {
  readonly retryable: ReadonlySet<string>;
  /** @default 5 */
  readonly maxAttempts?: number;
  /** The first wait; each next one doubles, with full jitter. @default 400 ms */
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** The call's answer, or the last error's code once retrying cannot help. */
export async function withRetries<T>(
  call: () => Promise<T>,
  options: RetryOptions,
): Promise<
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: string; readonly error: unknown }
> {
  const maxAttempts = options.maxAttempts ?? 5;
  const base = options.baseDelayMs ?? 400;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await call() };
    } catch (error) {
      const code = codeOf(error);
      if (!options.retryable.has(code) || attempt >= maxAttempts) return { ok: false, code, error };
      await sleep(backoffDelay(attempt, { baseMs: base, jitter: 'full', random }));
    }
  }
}
