/**
 * The latest Spot price of an instance's type, platform and Availability Zone, from EC2's Spot
 * price history (DescribeSpotPriceHistory, read-only, free): asked once per zone, type and
 * platform, in the instance's own region. A Spot price moves; this is the newest one, an estimate.
 */

import { DescribeSpotPriceHistoryCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { describeError } from '../ingest/decode';

/** EC2's `PlatformDetails` to the product descriptions the Spot price history uses (with and without VPC). */
const PRODUCTS: Record<string, readonly string[]> = {
  'Linux/UNIX': ['Linux/UNIX', 'Linux/UNIX (Amazon VPC)'],
  Windows: ['Windows', 'Windows (Amazon VPC)'],
  windows: ['Windows', 'Windows (Amazon VPC)'],
  'Red Hat Enterprise Linux': ['Red Hat Enterprise Linux', 'Red Hat Enterprise Linux (Amazon VPC)'],
  'SUSE Linux': ['SUSE Linux', 'SUSE Linux (Amazon VPC)'],
};

export interface SpotPrice {
  readonly usd: number;
  /** When the price took effect (ISO 8601). */
  readonly since: string | null;
}

export interface SpotQuery {
  readonly instanceType: string | null;
  readonly region: string;
  readonly availabilityZone: string | null;
  readonly platform: string | null;
}

export class SpotPriceHistory {
  private readonly asked = new Map<string, Promise<SpotPrice | null>>();
  requests = 0;
  readonly problems: string[] = [];

  constructor(private readonly ec2For: (region: string) => EC2Client) {}

  /** The newest Spot price, null when the history has none; rejects when it cannot be read. */
  price(query: SpotQuery): Promise<SpotPrice | null> {
    const products = PRODUCTS[query.platform ?? 'Linux/UNIX'];
    if (!query.instanceType || !query.availabilityZone || !products) return Promise.resolve(null);
    const key = [query.region, query.availabilityZone, query.instanceType, products[0]].join('|');
    let pending = this.asked.get(key);
    if (!pending) {
      pending = this.fetch(query.region, query.availabilityZone, query.instanceType, products);
      this.asked.set(key, pending);
    }
    return pending;
  }

  private async fetch(
    region: string,
    zone: string,
    instanceType: string,
    products: readonly string[],
  ): Promise<SpotPrice | null> {
    this.requests++;
    try {
      const answer = await this.ec2For(region).send(
        new DescribeSpotPriceHistoryCommand({
          InstanceTypes: [instanceType as never],
          ProductDescriptions: [...products],
          Filters: [{ Name: 'availability-zone', Values: [zone] }],
          // From now: EC2 answers the price in effect at this time for each zone and product.
          StartTime: new Date(),
          MaxResults: 20,
        }),
      );
      let newest: { usd: number; at: number; since: string | null } | null = null;
      for (const entry of answer.SpotPriceHistory ?? []) {
        const usd = Number(entry.SpotPrice);
        const at = entry.Timestamp?.getTime() ?? 0;
        if (entry.AvailabilityZone && entry.AvailabilityZone !== zone) continue;
        if (Number.isFinite(usd) && usd >= 0 && (newest === null || at > newest.at))
          newest = { usd, at, since: entry.Timestamp?.toISOString() ?? null };
      }
      return newest ? { usd: newest.usd, since: newest.since } : null;
    } catch (error) {
      this.problems.push(`Spot ${instanceType} in ${zone}: ${describeError(error)}`);
      throw error;
    }
  }
}
