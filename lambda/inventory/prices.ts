/**
 * Each instance's hourly price, read once per product: the on-demand list price from the Price
 * List (cached on disk), and for a Spot instance the latest Spot price of its zone from EC2's
 * Spot price history. A price that cannot be had says why, never 0.
 */

import { priceQueryOf } from '../domain/inventory/price';
import type { PriceBook } from './price-book';
import type { SpotPriceHistory } from './spot-prices';

/** What is known of an instance's price: USD an hour, or why there is none. */
export interface PriceOfInstance {
  readonly hourlyUsd: number | null;
  /** `on-demand` (the Price List) or `spot` (the latest Spot price); null without a price. */
  readonly priceKind: 'on-demand' | 'spot' | null;
  /** When the price took effect. */
  readonly priceDate: string | null;
  /** Why there is no price, in words; null when there is one. */
  readonly noPrice: string | null;
}

export const NO_PRICE_READ: PriceOfInstance = {
  hourlyUsd: null,
  priceKind: null,
  priceDate: null,
  noPrice: 'prices not read',
};

/** What pricing an instance needs to know. */
export interface Priceable {
  readonly instanceId: string;
  readonly instanceType: string | null;
  readonly region: string;
  readonly availabilityZone: string | null;
  readonly platform: string | null;
  readonly tenancy: string | null;
  /** `spot` for a Spot instance. */
  readonly lifecycle: string | null;
}

const none = (noPrice: string): PriceOfInstance => ({
  hourlyUsd: null,
  priceKind: null,
  priceDate: null,
  noPrice,
});

async function spotPrice(instance: Priceable, spot: SpotPriceHistory | null): Promise<PriceOfInstance> {
  if (!spot) return none('Spot: the Spot price history was not read');
  if (!instance.availabilityZone) return none('Spot: its Availability Zone is not known');
  const price = await spot.price(instance).catch(() => undefined);
  if (price === undefined) return none('Spot: the Spot price history could not be read');
  if (price === null) return none('Spot: the Spot price history has no price for it');
  return { hourlyUsd: price.usd, priceKind: 'spot', priceDate: price.since, noPrice: null };
}

async function onDemandPrice(instance: Priceable, book: PriceBook): Promise<PriceOfInstance> {
  const query = priceQueryOf(instance);
  if (!query) return none(`no list price for ${instance.platform ?? 'this platform'}`);
  const price = await book.price(query).catch(() => undefined);
  if (price === undefined) return none('the Price List could not be read');
  if (price === null) return none('the Price List has no price for it');
  return { hourlyUsd: price.usd, priceKind: 'on-demand', priceDate: price.effectiveDate, noPrice: null };
}

/** Prices every instance; problems are handed to `warn` once, each price then "no price". */
export async function pricesOf(
  instances: readonly Priceable[],
  book: PriceBook,
  spot: SpotPriceHistory | null,
  warn: (line: string) => void,
): Promise<(instanceId: string) => PriceOfInstance> {
  const found = new Map<string, PriceOfInstance>();
  await Promise.all(
    instances.map(async (instance) => {
      found.set(
        instance.instanceId,
        instance.lifecycle === 'spot' ? await spotPrice(instance, spot) : await onDemandPrice(instance, book),
      );
    }),
  );
  book.save();
  const problems = [...book.problems, ...(spot?.problems ?? [])];
  if (problems.length > 0)
    warn(`ec2trail: ${problems.length} price(s) could not be read, shown as no price: ${problems[0]}`);
  return (instanceId) => found.get(instanceId) ?? NO_PRICE_READ;
}

/** What runs costs an hour at list prices, and how many running instances have no price. */
export interface RunningCost {
  readonly hourlyUsd: number;
  readonly unpriced: number;
  /** Running instances priced at the latest Spot price rather than the on-demand list. */
  readonly spot: number;
}

export function runningCost<T extends { readonly state: string | null }>(
  instances: readonly T[],
  priceOf: (i: T) => PriceOfInstance,
): RunningCost {
  let hourlyUsd = 0;
  let unpriced = 0;
  let spot = 0;
  for (const instance of instances) {
    if (instance.state !== 'running') continue;
    const price = priceOf(instance);
    if (price.hourlyUsd === null) unpriced++;
    else hourlyUsd += price.hourlyUsd;
    if (price.priceKind === 'spot') spot++;
  }
  return { hourlyUsd: Math.round(hourlyUsd * 10_000) / 10_000, unpriced, spot };
}
