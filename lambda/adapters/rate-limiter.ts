/** Pacing for an API with a documented request rate. */

/** LookupEvents allows 2 requests per second per account and region. */
export const LOOKUP_INTERVAL_MS = 500;

/** Spaces calls at least `intervalMs` apart. */
export class RateLimiter {
  private next = 0;
  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  async wait(): Promise<void> {
    const now = this.now();
    if (now < this.next) await this.sleep(this.next - now);
    this.next = Math.max(now, this.next) + this.intervalMs;
  }

  /** Pushes the next call back, after the service said to slow down. */
  delay(ms: number): void {
    this.next = Math.max(this.next, this.now() + ms);
  }
}
