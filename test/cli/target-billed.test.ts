/**
 * Bulk writers group rows into transactions only where nothing is billed: the embedded store,
 * or an endpoint on this machine. Anywhere else a transaction would cost twice the write units.
 */
import { openTarget } from '../../cli/target';

describe('whether a target bills its requests', () => {
  async function billed(endpointUrl?: string): Promise<boolean> {
    const target = await openTarget({
      table: 'attribution',
      region: 'eu-west-1',
      ...(endpointUrl ? { endpointUrl } : {}),
    });
    await target.close();
    return target.billed;
  }

  it.each([
    ['http://127.0.0.1:8000', false],
    ['http://127.1.2.3:8000', false],
    ['http://localhost:4566', false],
    ['http://[::1]:8000', false],
    ['https://dynamodb.eu-west-1.amazonaws.com', true],
    ['http://10.0.0.5:8000', true],
    ['http://localhost.example.com:8000', true],
    ['http://127.0.0.1.nip.io:8000', true],
  ])('%s: billed %s', async (endpoint, expected) => {
    expect(await billed(endpoint)).toBe(expected);
  });

  it('bills a named table in AWS', async () => {
    expect(await billed()).toBe(true);
  });
});
