/**
 * An instance's on-demand list price, as the AWS Price List API (`pricing:GetProducts`, service
 * code AmazonEC2) answers it: which product to ask for, and the hourly USD price in its answer.
 * Pure. Every figure built on it is a list-price estimate, not the bill (no Savings Plans, no
 * Reserved Instances, no discounts, no data transfer).
 */

/** The attribute filters of one EC2 product (TERM_MATCH each), or null when the platform is not one priced here. */
export interface PriceQuery {
  readonly instanceType: string;
  readonly regionCode: string;
  readonly operatingSystem: 'Linux' | 'Windows' | 'RHEL' | 'SUSE';
  readonly tenancy: 'Shared' | 'Dedicated' | 'Host';
  readonly preInstalledSw: 'NA';
  readonly capacitystatus: 'Used';
  readonly licenseModel: 'No License required' | 'License included';
}

/** EC2's `PlatformDetails` to the Price List's operating system; others (SQL Server, BYOL) are not priced. */
const PLATFORMS: Record<string, Pick<PriceQuery, 'operatingSystem' | 'licenseModel'>> = {
  'Linux/UNIX': { operatingSystem: 'Linux', licenseModel: 'No License required' },
  Windows: { operatingSystem: 'Windows', licenseModel: 'License included' },
  windows: { operatingSystem: 'Windows', licenseModel: 'License included' },
  'Red Hat Enterprise Linux': { operatingSystem: 'RHEL', licenseModel: 'No License required' },
  'SUSE Linux': { operatingSystem: 'SUSE', licenseModel: 'No License required' },
};

const TENANCIES: Record<string, PriceQuery['tenancy']> = {
  default: 'Shared',
  dedicated: 'Dedicated',
  host: 'Host',
};

export function priceQueryOf(instance: {
  readonly instanceType: string | null;
  readonly region: string;
  readonly platform: string | null;
  readonly tenancy: string | null;
}): PriceQuery | null {
  // An instance with no platform details is Linux/UNIX: EC2 leaves the field out only for it.
  const platform = PLATFORMS[instance.platform ?? 'Linux/UNIX'];
  const tenancy = TENANCIES[instance.tenancy ?? 'default'];
  if (!instance.instanceType || !platform || !tenancy) return null;
  return {
    instanceType: instance.instanceType,
    regionCode: instance.region,
    ...platform,
    tenancy,
    preInstalledSw: 'NA',
    capacitystatus: 'Used',
  };
}

/** The cache's key of a query. */
export function priceKey(query: PriceQuery): string {
  return [
    query.regionCode,
    query.instanceType,
    query.operatingSystem,
    query.tenancy,
    query.licenseModel,
  ].join('|');
}

/** One on-demand price: USD an hour, and the date the Price List says it took effect. */
export interface HourlyPrice {
  readonly usd: number;
  readonly effectiveDate: string | null;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The hourly on-demand price in one PriceList item (a JSON string): `terms.OnDemand.<term>.
 * priceDimensions.<dimension>.pricePerUnit.USD` with `unit` "Hrs". Null when the item holds none.
 */
export function hourlyPriceOf(item: string): HourlyPrice | null {
  let product: unknown;
  try {
    product = JSON.parse(item);
  } catch {
    return null;
  }
  if (!isObject(product) || !isObject(product.terms) || !isObject(product.terms.OnDemand)) return null;
  for (const term of Object.values(product.terms.OnDemand)) {
    if (!isObject(term) || !isObject(term.priceDimensions)) continue;
    for (const dimension of Object.values(term.priceDimensions)) {
      if (!isObject(dimension) || dimension.unit !== 'Hrs' || !isObject(dimension.pricePerUnit)) continue;
      const usd = Number(dimension.pricePerUnit.USD);
      if (Number.isFinite(usd) && usd >= 0)
        return { usd, effectiveDate: typeof term.effectiveDate === 'string' ? term.effectiveDate : null };
    }
  }
  return null;
}
