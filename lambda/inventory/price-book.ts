/**
 * On-demand list prices from the AWS Price List API, cached on disk so a second run asks nothing:
 * one GetProducts per instance type, platform, tenancy and region, kept for a week with the date
 * each was read. A price the API does not give is "no price" (null), never 0.
 */

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { GetProductsCommand, type PricingClient } from '@aws-sdk/client-pricing';
import { type HourlyPrice, hourlyPriceOf, type PriceQuery, priceKey } from '../domain/inventory/price';
import { describeError } from '../ingest/decode';

/** How long a cached price is used before it is read again. */
const FRESH_MS = 7 * 86_400_000;

interface Cached {
  readonly price: HourlyPrice | null;
  /** When it was read from the Price List (ISO 8601). */
  readonly readAt: string;
}

/** Where prices are cached: `$XDG_CACHE_HOME/ec2trail/prices.json`, else `~/.cache/ec2trail/`. */
export function priceCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'ec2trail', 'prices.json');
}

export class PriceBook {
  private readonly cache: Record<string, Cached>;
  private readonly asked = new Map<string, Promise<HourlyPrice | null>>();
  /** GetProducts requests sent; problems met (each price then unknown). */
  requests = 0;
  readonly problems: string[] = [];

  constructor(
    private readonly client: PricingClient,
    private readonly file: string,
    private readonly now: () => number = Date.now,
  ) {
    this.cache = readCache(file);
  }

  /** The hourly price of `query`, from the cache while fresh, else from the Price List. */
  price(query: PriceQuery): Promise<HourlyPrice | null> {
    const key = priceKey(query);
    const cached = this.cache[key];
    if (cached && this.now() - Date.parse(cached.readAt) < FRESH_MS) return Promise.resolve(cached.price);
    let pending = this.asked.get(key);
    if (!pending) {
      pending = this.fetch(query).then((price) => {
        this.cache[key] = { price, readAt: new Date(this.now()).toISOString() };
        return price;
      });
      this.asked.set(key, pending);
    }
    return pending;
  }

  private async fetch(query: PriceQuery): Promise<HourlyPrice | null> {
    this.requests++;
    try {
      const answer = await this.client.send(
        new GetProductsCommand({
          ServiceCode: 'AmazonEC2',
          Filters: Object.entries(query).map(([Field, Value]) => ({ Type: 'TERM_MATCH', Field, Value })),
          MaxResults: 10,
        }),
      );
      for (const item of answer.PriceList ?? []) {
        // The SDK hands each item as a string or as its lazy JSON string wrapper: both print the JSON.
        const price = hourlyPriceOf(String(item));
        if (price) return price;
      }
      return null;
    } catch (error) {
      this.problems.push(`${query.instanceType} in ${query.regionCode}: ${describeError(error)}`);
      // Not cached: a refusal today is asked again tomorrow.
      this.asked.delete(priceKey(query));
      throw error;
    }
  }

  /** Writes the cache back; a cache that cannot be written only costs the next run its requests. */
  save(): void {
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temporary, `${JSON.stringify(this.cache)}\n`);
      renameSync(temporary, this.file);
    } catch {
      // Best effort, as the docstring says.
    }
  }
}

function readCache(file: string): Record<string, Cached> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, Cached>)
      : {};
  } catch {
    return {};
  }
}
