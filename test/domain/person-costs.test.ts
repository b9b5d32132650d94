/** Cost per person. Expected sums are the cases' hours times their prices, added by hand. */

import { costsByPerson, costTotals, type InstanceCost } from '../../lambda/domain/inventory/person-costs';

const instance = (over: Partial<InstanceCost> & Pick<InstanceCost, 'instanceId'>): InstanceCost => ({
  account: '111122223333',
  region: 'eu-west-1',
  instanceType: 'm5.large',
  person: 'alice',
  service: null,
  hours: 10,
  hourlyUsd: 0.1,
  uncertain: null,
  ...over,
});

describe('cost per person', () => {
  const people = costsByPerson(
    [
      instance({ instanceId: 'i-a1', hours: 10, hourlyUsd: 0.1 }),
      instance({ instanceId: 'i-a2', hours: 5, hourlyUsd: 2, service: 'autoscaling/web' }),
      instance({ instanceId: 'i-a3', hours: 4, hourlyUsd: null }),
      instance({ instanceId: 'i-b1', person: 'bob', hours: 100, hourlyUsd: 0.05 }),
      instance({ instanceId: 'i-u1', person: null, hours: 1, hourlyUsd: 20 }),
      instance({ instanceId: 'i-z0', person: 'zed', hours: 0, hourlyUsd: 5 }),
    ],
    2,
  );

  it('puts the dearest person first, the unknown one among them, and leaves out what did not run', () => {
    // alice 10 × 0.1 + 5 × 2 = 11; unknown 1 × 20 = 20; bob 100 × 0.05 = 5; zed ran 0 hours.
    expect(people.map((p) => [p.person, p.costUsd])).toEqual([
      [null, 20],
      ['alice', 11],
      ['bob', 5],
    ]);
  });

  it("adds a person's hours, keeps unpriced hours out of the cost, and names the services by hours", () => {
    const alice = people[1];
    expect(alice).toMatchObject({ instances: 3, hours: 19, unpricedHours: 4 });
    expect(alice?.services).toEqual([
      { service: null, hours: 14 },
      { service: 'autoscaling/web', hours: 5 },
    ]);
    // The two dearest: i-a2 (10) then i-a1 (1); the unpriced one after every priced one.
    expect(alice?.top.map((i) => i.instanceId)).toEqual(['i-a2', 'i-a1']);
  });

  it('totals every person', () => {
    expect(costTotals(people)).toEqual({ instances: 5, hours: 120, costUsd: 36, unpricedHours: 4 });
  });

  it('orders equal costs by hours, then by name', () => {
    const tied = costsByPerson([
      instance({ instanceId: 'i-1', person: 'carol', hours: 2, hourlyUsd: 1 }),
      instance({ instanceId: 'i-2', person: 'bob', hours: 4, hourlyUsd: 0.5 }),
      instance({ instanceId: 'i-3', person: 'amy', hours: 4, hourlyUsd: 0.5 }),
    ]);
    expect(tied.map((p) => p.person)).toEqual(['amy', 'bob', 'carol']);
  });

  it("orders a person's services by hours, whatever order their instances came in", () => {
    const [bob] = costsByPerson([
      instance({ instanceId: 'i-1', person: 'bob', service: 'karpenter-nodepool/gpu', hours: 1 }),
      instance({ instanceId: 'i-2', person: 'bob', service: null, hours: 9 }),
    ]);
    expect(bob?.services.map((s) => s.service)).toEqual([null, 'karpenter-nodepool/gpu']);
  });

  it('puts an unpriced instance after a priced one however cheap, and the unknown person after a named one at a tie', () => {
    const [dave] = costsByPerson([
      instance({ instanceId: 'i-free', person: 'dave', hours: 100, hourlyUsd: null }),
      instance({ instanceId: 'i-cheap', person: 'dave', hours: 1, hourlyUsd: 0.5 }),
    ]);
    expect(dave?.top.map((i) => i.instanceId)).toEqual(['i-cheap', 'i-free']);
    const unknown = instance({ instanceId: 'i-u', person: null, hours: 2, hourlyUsd: 1 });
    const zoe = instance({ instanceId: 'i-z', person: 'zoe', hours: 2, hourlyUsd: 1 });
    // Whichever order they come in (a sort compares them one way or the other).
    expect(costsByPerson([unknown, zoe]).map((p) => p.person)).toEqual(['zoe', null]);
    expect(costsByPerson([zoe, unknown]).map((p) => p.person)).toEqual(['zoe', null]);
  });
});
