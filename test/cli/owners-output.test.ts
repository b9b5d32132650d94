/**
 * The summary line of `owners`, word for word, for figures built by hand: coverage, how the
 * people were found, why the rest are unknown, Event history's requests and the running cost.
 */

import { costsCsv, instanceCostRecord } from '../../cli/inventory/costs-output';
import { ownersCsv, summaryLine } from '../../cli/inventory/owners-output';
import { NO_PRICE_READ } from '../../lambda/inventory/prices';

describe('the owners summary line', () => {
  it('says coverage, evidence, every unknown reason, the requests and the cost', () => {
    expect(
      summaryLine(
        {
          instances: 10,
          withPerson: 7,
          percent: 70,
          byEvidence: { table: 4, 'event-history': 2, tags: 1 },
          unknownByReason: { 'before-event-history': 2, 'service-no-person': 1 },
        },
        3,
        5,
        { hourlyUsd: 1.2345, unpriced: 1, spot: 0 },
      ),
    ).toBe(
      '10 instance(s) in 3 region(s); 7 with a person (70 %); 4 from the table, 2 from Event history, 1 from tags; 3 unknown: 2 launched more than 90 days ago: pass --trail-bucket to read the trail; 1 launched by a service; no person is linked to it; 5 Event history request(s), 2 a second per region at most; running: USD 1.23 an hour at on-demand list prices (an estimate, not the bill), 1 running instance(s) without a price',
    );
  });

  it('says so when there is no instance', () => {
    expect(
      summaryLine({ instances: 0, withPerson: 0, percent: 100, byEvidence: {}, unknownByReason: {} }, 2, 0),
    ).toBe('no instance in 2 region(s)');
  });
});

describe('the owners and costs CSV', () => {
  // A person read from a tag is whatever anyone who may tag the instance wrote: a spreadsheet must
  // not run it.
  const hostile = '=HYPERLINK("https://example.com/x","click")';
  const instance = {
    instanceId: 'i-0a1b2c3d4e5f60001',
    account: '111122223333',
    region: 'eu-west-1',
    instanceType: 't3.micro',
    state: 'running',
    launchTime: '2026-12-01T00:00:00.000Z',
    originalLaunchTime: '2026-12-01T00:00:00.000Z',
    tags: { Owner: hostile },
    platform: 'Linux/UNIX',
    tenancy: 'default',
    availabilityZone: 'eu-west-1a',
    lifecycle: null,
    person: hostile,
    personVerified: false,
    service: null,
    evidence: 'tags' as const,
    reason: null,
  };

  it('defuses a formula in a cell and quotes what needs quoting', () => {
    const csv = ownersCsv([instance], Date.parse('2026-12-07T00:00:00Z'), () => NO_PRICE_READ);
    expect(csv).toContain(`"'=HYPERLINK(""https://example.com/x"",""click"")"`);
    expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
    const costs = costsCsv([
      instanceCostRecord(
        {
          ...instance,
          region: 'eu-west-1',
          platformAssumed: false,
          ownership: {
            person: hostile,
            personVerified: false,
            service: null,
            evidence: 'tags',
            reason: null,
          },
          hours: 1,
          uncertain: null,
        },
        NO_PRICE_READ,
      ),
    ]);
    expect(costs).not.toMatch(/(^|,)"?=HYPERLINK/m);
  });
});
