/** Pulls lifecycle events from CloudTrail Event history within its rate limit, as replay inputs. */

import { backoffDelay } from '../../lambda/adapters/backoff';
import { LOOKUP_INTERVAL_MS, RateLimiter } from '../../lambda/adapters/rate-limiter';
import { type Action, LIFECYCLE_ACTIONS, SERVICE_CHANGE } from '../../lambda/domain';
import { eventsOf } from '../../lambda/domain/watched-calls';
import type { InputFile, InputItem } from '../inputs';
import type { EventHistory } from './event-history';

export { LOOKUP_INTERVAL_MS, RateLimiter };
export const MAX_DAYS = 90;

export interface BackfillOptions {
  readonly days: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Retries of one request when throttled. @default 8 */
  readonly maxRetries?: number;
  readonly onThrottle?: (eventName: string, attempt: number, waitMs: number) => void;
}

function isThrottle(error: unknown): boolean {
  return (
    error instanceof Error &&
    /Throttl|TooManyRequests|RequestLimitExceeded/i.test(`${error.name} ${error.message}`)
  );
}

/**
 * Yields one input per LookupEvents page, one event name at a time (LookupEvents takes a single
 * lookup attribute), newest first as the API returns them.
 */
export async function* backfillInputs(
  history: EventHistory,
  options: BackfillOptions,
): AsyncGenerator<InputFile & { readonly items: readonly InputItem[] }> {
  const end = new Date(options.now());
  const start = new Date(end.getTime() - options.days * 86_400_000);
  const limiter = new RateLimiter(LOOKUP_INTERVAL_MS, options.now, options.sleep);
  const maxRetries = options.maxRetries ?? 8;
  // Lifecycle calls first, then the changes that explain service launches (CreateFleet is both).
  const names = [
    ...new Set(
      ([...LIFECYCLE_ACTIONS, SERVICE_CHANGE] as Action[]).flatMap((action) =>
        eventsOf(action).map((e) => e.eventName),
      ),
    ),
  ];
  for (const eventName of names) {
    let nextToken: string | undefined;
    let page = 0;
    do {
      let result: Awaited<ReturnType<EventHistory['lookup']>> | undefined;
      for (let attempt = 0; result === undefined; attempt++) {
        await limiter.wait();
        try {
          result = await history.lookup(eventName, start, end, nextToken);
        } catch (error) {
          if (!isThrottle(error) || attempt >= maxRetries) throw error;
          const waitMs = backoffDelay(attempt + 1, { baseMs: 1_000, capMs: 30_000 });
          options.onThrottle?.(eventName, attempt + 1, waitMs);
          limiter.delay(waitMs);
        }
      }
      page++;
      const origin = `LookupEvents ${eventName} page ${page}`;
      yield {
        origin,
        items: result.events.map((text, i) => {
          try {
            return { kind: 'json' as const, origin: `${origin} event ${i + 1}`, value: JSON.parse(text) };
          } catch (error) {
            return {
              kind: 'error' as const,
              origin: `${origin} event ${i + 1}`,
              message: `CloudTrailEvent is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
            };
          }
        }),
      };
      nextToken = result.nextToken;
    } while (nextToken);
  }
}
