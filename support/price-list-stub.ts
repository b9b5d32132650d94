/**
 * The AWS Price List API's GetProducts on a local port (moto serves no Price List): JSON 1.1,
 * `PriceList` a list of JSON strings shaped as the API reference's example for AmazonEC2
 * (`product.attributes`, `terms.OnDemand.<term>.priceDimensions.<dimension>.pricePerUnit.USD`).
 * It answers from the hourly prices a caller gives it, matching every TERM_MATCH filter.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One product: the attributes GetProducts filters on, and its price an hour. */
export interface StubProduct {
  readonly attributes: Readonly<Record<string, string>>;
  readonly usd: string;
  readonly effectiveDate: string;
}

export class PriceListStub {
  requests = 0;
  private server: Server | null = null;

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

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        this.requests++;
        const input = JSON.parse(body || '{}') as { Filters?: { Field: string; Value: string }[] };
        const matching = this.products
          .map((product, n) => ({ product, n }))
          .filter(({ product }) =>
            (input.Filters ?? []).every((f) => product.attributes[f.Field] === f.Value),
          );
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(
          JSON.stringify({
            FormatVersion: 'aws_v1',
            PriceList: matching.map(({ product, n }) => this.item(product, n)),
          }),
        );
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
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
