/**
 * Instance-hours and list-price cost per person in a window: the finance question ("the bill
 * jumped: who launched the expensive instances?") answered from each instance's running hours
 * and hourly price. Pure. An instance with no price adds its hours, never a zero cost.
 */

/** One instance's part of the window. */
export interface InstanceCost {
  readonly instanceId: string;
  readonly account: string | null;
  readonly region: string | null;
  readonly instanceType: string | null;
  /** The person behind its launch; null when unknown. */
  readonly person: string | null;
  /** The service resource that launched it (`autoscaling/web`), when a service did. */
  readonly service: string | null;
  readonly hours: number;
  /** On-demand list price per hour; null when none could be read. */
  readonly hourlyUsd: number | null;
  /** Why the hours may be off; null when the calls and the instance agree. */
  readonly uncertain: string | null;
}

export interface PersonCost {
  readonly person: string | null;
  readonly instances: number;
  readonly hours: number;
  /** The priced hours' cost; `unpricedHours` are left out of it. */
  readonly costUsd: number;
  readonly unpricedHours: number;
  /** What services launched for this person, by hours, most first (`null`: launched directly). */
  readonly services: readonly { readonly service: string | null; readonly hours: number }[];
  /** This person's dearest instances in the window, most first. */
  readonly top: readonly InstanceCost[];
}

/** The cost of one instance in the window; null when it has no price. */
export function costOf(instance: InstanceCost): number | null {
  return instance.hourlyUsd === null ? null : instance.hours * instance.hourlyUsd;
}

/** Dearest first; an unpriced one after every priced one, by hours. */
function byCost(a: InstanceCost, b: InstanceCost): number {
  return (
    (costOf(b) ?? -1) - (costOf(a) ?? -1) || b.hours - a.hours || a.instanceId.localeCompare(b.instanceId)
  );
}

/**
 * Per person, the dearest first (then by hours, then by name; the unknown person is one line
 * like the others). Instances that did not run in the window are left out.
 */
export function costsByPerson(instances: readonly InstanceCost[], topN = 3): PersonCost[] {
  const groups = new Map<string | null, InstanceCost[]>();
  for (const instance of instances) {
    if (instance.hours <= 0) continue;
    const group = groups.get(instance.person) ?? [];
    group.push(instance);
    groups.set(instance.person, group);
  }
  const people: PersonCost[] = [];
  for (const [person, group] of groups) {
    const services = new Map<string | null, number>();
    let hours = 0;
    let costUsd = 0;
    let unpricedHours = 0;
    for (const instance of group) {
      hours += instance.hours;
      const cost = costOf(instance);
      if (cost === null) unpricedHours += instance.hours;
      else costUsd += cost;
      services.set(instance.service, (services.get(instance.service) ?? 0) + instance.hours);
    }
    people.push({
      person,
      instances: group.length,
      hours,
      costUsd,
      unpricedHours,
      services: [...services]
        .map(([service, h]) => ({ service, hours: h }))
        .sort((a, b) => b.hours - a.hours || (a.service ?? '').localeCompare(b.service ?? '')),
      top: [...group].sort(byCost).slice(0, topN),
    });
  }
  return people.sort(
    (a, b) =>
      b.costUsd - a.costUsd ||
      b.hours - a.hours ||
      // At a tie the unknown person comes after the named ones.
      Number(a.person === null) - Number(b.person === null) ||
      (a.person ?? '').localeCompare(b.person ?? ''),
  );
}

/** The window's totals over every person. */
export function costTotals(people: readonly PersonCost[]): {
  readonly instances: number;
  readonly hours: number;
  readonly costUsd: number;
  readonly unpricedHours: number;
} {
  return people.reduce(
    (sum, p) => ({
      instances: sum.instances + p.instances,
      hours: sum.hours + p.hours,
      costUsd: sum.costUsd + p.costUsd,
      unpricedHours: sum.unpricedHours + p.unpricedHours,
    }),
    { instances: 0, hours: 0, costUsd: 0, unpricedHours: 0 },
  );
}
