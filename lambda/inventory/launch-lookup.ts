/**
 * An instance's launch from CloudTrail Event history: LookupEvents by resource name (the instance
 * id), within its documented limit of 2 requests a second per account and region, backing off
 * when throttled. Each instance is asked at most once; regions are asked side by side, each at
 * its own pace.
 */

import { type CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { backoffDelay } from '../adapters/backoff';
import { LOOKUP_INTERVAL_MS, RateLimiter } from '../adapters/rate-limiter';

/** The records Event history holds about one instance, and whether it could be read. */
export type LaunchLookup =
  | { readonly status: 'read'; readonly records: readonly Record<string, unknown>[] }
  | { readonly status: 'unreadable'; readonly error: string };

export interface LookupClock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** The system's clock: what every caller outside a test paces Event history by (a frozen `now` would slow each request more than the last). */
export const SYSTEM_CLOCK: LookupClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

const THROTTLED = /Throttl|TooManyRequests|RequestLimitExceeded/i;

/** One region's Event history, paced. */
export class RegionEventHistory {
  private readonly limiter: RateLimiter;
  /** Requests sent, for the summary: Event history's pace is the floor of a run's time. */
  requests = 0;

  constructor(
    private readonly client: CloudTrailClient,
    private readonly clock: LookupClock,
    private readonly maxRetries = 8,
  ) {
    this.limiter = new RateLimiter(LOOKUP_INTERVAL_MS, clock.now, clock.sleep);
  }

  /** Every event that names the instance, from `startMs` on (its original launch, or 90 days back). */
  async lookup(instanceId: string, startMs: number): Promise<LaunchLookup> {
    const records: Record<string, unknown>[] = [];
    let NextToken: string | undefined;
    try {
      do {
        const page = await this.send(instanceId, startMs, NextToken);
        for (const event of page.Events ?? []) {
          if (!event.CloudTrailEvent) continue;
          try {
            const record: unknown = JSON.parse(event.CloudTrailEvent);
            if (record && typeof record === 'object') records.push(record as Record<string, unknown>);
          } catch {
            // A record that is not JSON says nothing about the launch; the others still may.
          }
        }
        NextToken = page.NextToken;
      } while (NextToken);
    } catch (error) {
      return {
        status: 'unreadable',
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      };
    }
    return { status: 'read', records };
  }

  private async send(instanceId: string, startMs: number, NextToken: string | undefined) {
    for (let attempt = 0; ; attempt++) {
      await this.limiter.wait();
      this.requests++;
      try {
        return await this.client.send(
          new LookupEventsCommand({
            LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: instanceId }],
            StartTime: new Date(startMs),
            EndTime: new Date(this.clock.now()),
            MaxResults: 50,
            NextToken,
          }),
        );
      } catch (error) {
        const throttled = error instanceof Error && THROTTLED.test(`${error.name} ${error.message}`);
        if (!throttled || attempt >= this.maxRetries) throw error;
        this.limiter.delay(backoffDelay(attempt + 1, { baseMs: 1_000, capMs: 30_000 }));
      }
    }
  }
}
