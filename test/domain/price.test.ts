/**
 * Which Price List product prices an instance, and the hourly price in a GetProducts item. The
 * item is shaped as the Price List API reference's AmazonEC2 example; the figures are the test's.
 */

import { hourlyPriceOf, priceKey, priceQueryOf } from '../../lambda/domain/inventory/price';

const item = (usd: string, unit = 'Hrs') =>
  JSON.stringify({
    product: { productFamily: 'Compute Instance', attributes: { instanceType: 'm5.large' }, sku: 'SKU1' },
    serviceCode: 'AmazonEC2',
    terms: {
      OnDemand: {
        'SKU1.JRTCKXETXF': {
          priceDimensions: {
            'SKU1.JRTCKXETXF.6YS6EN2CT7': { unit, pricePerUnit: { USD: usd }, description: 'per hour' },
          },
          sku: 'SKU1',
          effectiveDate: '2026-10-01T00:00:00Z',
        },
      },
    },
  });

describe('the product that prices an instance', () => {
  it('is its type, region, operating system, tenancy and licence, with no software and used capacity', () => {
    expect(
      priceQueryOf({
        instanceType: 'm5.large',
        region: 'eu-west-1',
        platform: 'Linux/UNIX',
        tenancy: 'default',
      }),
    ).toEqual({
      instanceType: 'm5.large',
      regionCode: 'eu-west-1',
      operatingSystem: 'Linux',
      licenseModel: 'No License required',
      tenancy: 'Shared',
      preInstalledSw: 'NA',
      capacitystatus: 'Used',
    });
    expect(
      priceQueryOf({
        instanceType: 'm5.large',
        region: 'eu-west-1',
        platform: 'Windows',
        tenancy: 'dedicated',
      }),
    ).toMatchObject({ operatingSystem: 'Windows', licenseModel: 'License included', tenancy: 'Dedicated' });
  });

  it('reads an instance without platform details as Linux/UNIX, and does not guess the others', () => {
    expect(
      priceQueryOf({ instanceType: 't3.micro', region: 'us-east-1', platform: null, tenancy: null }),
    ).toMatchObject({ operatingSystem: 'Linux', tenancy: 'Shared' });
    expect(
      priceQueryOf({
        instanceType: 't3.micro',
        region: 'us-east-1',
        platform: 'Windows with SQL Server Standard',
        tenancy: 'default',
      }),
    ).toBeNull();
    expect(
      priceQueryOf({ instanceType: null, region: 'us-east-1', platform: null, tenancy: null }),
    ).toBeNull();
  });

  it('keys the cache by what changes the price', () => {
    const linux = priceQueryOf({
      instanceType: 'm5.large',
      region: 'eu-west-1',
      platform: null,
      tenancy: null,
    });
    const windows = priceQueryOf({
      instanceType: 'm5.large',
      region: 'eu-west-1',
      platform: 'Windows',
      tenancy: null,
    });
    if (!linux || !windows) throw new Error('both are priced');
    expect(priceKey(linux)).not.toBe(priceKey(windows));
  });
});

describe('the hourly price in a GetProducts item', () => {
  it('is the on-demand hourly USD, with its effective date', () => {
    expect(hourlyPriceOf(item('0.0960000000'))).toEqual({
      usd: 0.096,
      effectiveDate: '2026-10-01T00:00:00Z',
    });
  });

  it('is none for another unit, a price that is not a number, or an item that is not JSON', () => {
    expect(hourlyPriceOf(item('0.0960000000', 'Quantity'))).toBeNull();
    expect(hourlyPriceOf(item('n/a'))).toBeNull();
    expect(hourlyPriceOf('{"terms":')).toBeNull();
    expect(hourlyPriceOf('{"terms":{}}')).toBeNull();
  });
});

describe('every platform and tenancy priced here', () => {
  it.each([
    ['windows', 'Windows', 'License included'],
    ['Red Hat Enterprise Linux', 'RHEL', 'No License required'],
    ['SUSE Linux', 'SUSE', 'No License required'],
  ])('%s is priced as %s with %s', (platform, operatingSystem, licenseModel) => {
    expect(
      priceQueryOf({ instanceType: 'm5.large', region: 'eu-west-1', platform, tenancy: 'host' }),
    ).toMatchObject({
      operatingSystem,
      licenseModel,
      tenancy: 'Host',
    });
  });
});

describe('the hourly price among several terms and dimensions', () => {
  const product = (terms: object) => JSON.stringify({ terms: { OnDemand: terms } });

  it('skips what is not an hourly dimension, and takes the first hourly one', () => {
    expect(
      hourlyPriceOf(
        product({
          broken: 'not a term',
          T1: {
            priceDimensions: {
              D1: { unit: 'Quantity', pricePerUnit: { USD: '5' } },
              D2: { unit: 'Hrs', pricePerUnit: { USD: '0.25' } },
            },
          },
        }),
      ),
    ).toEqual({ usd: 0.25, effectiveDate: null });
  });

  it('keeps a price of zero as zero (a real answer), and refuses a negative one', () => {
    expect(
      hourlyPriceOf(product({ T: { priceDimensions: { D: { unit: 'Hrs', pricePerUnit: { USD: '0' } } } } })),
    ).toEqual({
      usd: 0,
      effectiveDate: null,
    });
    expect(
      hourlyPriceOf(product({ T: { priceDimensions: { D: { unit: 'Hrs', pricePerUnit: { USD: '-1' } } } } })),
    ).toBeNull();
    expect(
      hourlyPriceOf(JSON.stringify({ terms: { OnDemand: { T: { priceDimensions: 'none' } } } })),
    ).toBeNull();
    expect(hourlyPriceOf('"just a string"')).toBeNull();
  });
});
