/**
 * The one backoff of ec2trail's own retry loops (the claim/mark loop, the batch writers and
 * readers, owner tags, CloudTrail's lookups), on top of the SDK's retries where it has them: the
 * wait doubles from `baseMs` per retry, up to `capMs`, with the jitter the caller asks for.
 */

export interface BackoffOptions {
  /** The wait before the first retry. */
  readonly baseMs: number;
  /** The longest wait. @default no cap */
  readonly capMs?: number;
  /**
   * `full`: anywhere from 0 to the wait (callers that compete, as throttled writers do);
   * `equal`: from half the wait to all of it; `none`: the wait itself. @default 'none'
   */
  readonly jitter?: 'none' | 'full' | 'equal';
  /** @default Math.random */
  readonly random?: () => number;
}

/** The wait before retry `retry` (1 for the first). */
export function backoffDelay(retry: number, options: BackoffOptions): number {
  const wait = Math.min(options.capMs ?? Number.POSITIVE_INFINITY, options.baseMs * 2 ** (retry - 1));
  const jitter = options.jitter ?? 'none';
  if (jitter === 'none') return wait;
  const r = (options.random ?? Math.random)();
  return jitter === 'full' ? r * wait : wait / 2 + (r * wait) / 2;
}
