/**
 * The AWS Price List API's GetProducts on a local port (moto serves no Price List): JSON 1.1,
 * `PriceList` a list of JSON strings shaped as the API reference's example for AmazonEC2
 * (`product.attributes`, `terms.OnDemand.<term>.priceDimensions.<dimension>.pricePerUnit.USD`).
 * It answers from the hourly prices a caller gives it, matching every TERM_MATCH filter.
 */

import { JsonApiStub } from './json-api-stub';

/** One product: the attributes GetProducts filters on, and its price an hour. */
export interface StubProduct {
  readonly attributes: Readonly<Record<string, string>>;
  readonly usd: string;
  readonly effectiveDate: string;
}

export class PriceListStub {
  requests = 0;

  constructor(private readonly products: readonly StubProduct[]) {}

  private item(product: StubProduct, n: number): string {
    const sku = `STUBSKU${n}`;
    return JSON.stringify({
      product: { productFamily: 'Compute Instance', attributes: product.attributes, sku },
      serviceCode: 'AmazonEC2',
      terms: {
        OnDemand: {
          [`${sku}.JRTCKXETXF`]: {
            priceDimensions: {
              [`${sku}.JRTCKXETXF.6YS6EN2CT7`]: {
                unit: 'Hrs',
                endRange: 'Inf',
                description: `$${product.usd} per On Demand ${product.attributes.operatingSystem} ${product.attributes.instanceType} Instance Hour`,
                appliesTo: [],
                rateCode: `${sku}.JRTCKXETXF.6YS6EN2CT7`,
                beginRange: '0',
                pricePerUnit: { USD: product.usd },
              },
            },
            sku,
            effectiveDate: product.effectiveDate,
            offerTermCode: 'JRTCKXETXF',
            termAttributes: {},
          },
        },
      },
      version: '20261101000000',
      publicationDate: '2026-11-01T00:00:00Z',
    });
  }

  private readonly api = new JsonApiStub(({ body }) => {
    this.requests++;
    const input = body as { Filters?: { Field: string; Value: string }[] };
    const matching = this.products
      .map((product, n) => ({ product, n }))
      .filter(({ product }) => (input.Filters ?? []).every((f) => product.attributes[f.Field] === f.Value));
    return {
      status: 200,
      json: { FormatVersion: 'aws_v1', PriceList: matching.map(({ product, n }) => this.item(product, n)) },
    };
  });

  start(): Promise<string> {
    return this.api.start();
  }

  stop(): Promise<void> {
    return this.api.stop();
  }
}

/** An EC2 product's attributes as the Price List names them, shared tenancy, no pre-installed software. */
export function ec2Product(
  instanceType: string,
  regionCode: string,
  os: 'Linux' | 'Windows',
  usd: string,
): StubProduct {
  return {
    attributes: {
      instanceType,
      regionCode,
      operatingSystem: os,
      tenancy: 'Shared',
      preInstalledSw: 'NA',
      capacitystatus: 'Used',
      licenseModel: os === 'Windows' ? 'License included' : 'No License required',
    },
    usd,
    effectiveDate: '2026-11-01T00:00:00Z',
  };
}
