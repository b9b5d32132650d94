/** How `costs` shows the window: per person, the dearest first, and a line of totals. */

import {
  costOf,
  costTotals,
  type InstanceCost,
  type PersonCost,
} from '../../lambda/domain/inventory/person-costs';
import type { PriceOfInstance } from '../../lambda/inventory/prices';
import { csvCell } from '../rows-output';
import { renderTable } from '../table';
import type { HoursOfInstance } from './costs';

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

/** One instance as the JSON and CSV outputs show it. A missing price is null, never 0. */
export function instanceCostRecord(instance: HoursOfInstance, price: PriceOfInstance) {
  const cost = price.hourlyUsd === null ? null : instance.hours * price.hourlyUsd;
  return {
    instanceId: instance.instanceId,
    account: instance.account,
    region: instance.region,
    instanceType: instance.instanceType,
    person: instance.ownership.person,
    service: instance.ownership.service,
    evidence: instance.ownership.evidence,
    hours: round(instance.hours, 3),
    hourlyUsd: price.hourlyUsd,
    priceKind: price.priceKind,
    priceDate: price.priceDate,
    noPrice: price.noPrice,
    costUsd: cost === null ? null : round(cost, 4),
    platformAssumed: instance.platformAssumed,
    uncertain: instance.uncertain,
  };
}

/** A person's line as JSON: their instances' hours and cost, their services, their dearest instances. */
export function personRecord(person: PersonCost) {
  return {
    person: person.person,
    instances: person.instances,
    hours: round(person.hours, 3),
    costUsd: round(person.costUsd, 4),
    unpricedHours: round(person.unpricedHours, 3),
    services: person.services.map((s) => ({ service: s.service, hours: round(s.hours, 3) })),
    top: person.top.map((i: InstanceCost) => {
      const cost = costOf(i);
      return {
        instanceId: i.instanceId,
        instanceType: i.instanceType,
        region: i.region,
        hours: round(i.hours, 3),
        hourlyUsd: i.hourlyUsd,
        costUsd: cost === null ? null : round(cost, 4),
      };
    }),
  };
}

const usd = (value: number) => `USD ${value.toFixed(2)}`;

export function costsTable(people: readonly PersonCost[], width?: number): string {
  return renderTable(
    people,
    [
      { header: 'PERSON', value: (p) => p.person ?? '(unknown)', max: 40, keep: true },
      { header: 'INSTANCES', value: (p) => String(p.instances) },
      { header: 'HOURS', value: (p) => p.hours.toFixed(1) },
      { header: 'COST', value: (p) => usd(p.costUsd), keep: true },
      { header: 'UNPRICED H', value: (p) => (p.unpricedHours > 0 ? p.unpricedHours.toFixed(1) : '') },
      {
        header: 'SERVICES',
        value: (p) => p.services.map((s) => s.service ?? 'direct').join(', '),
        max: 40,
        optional: true,
      },
      {
        header: 'DEAREST',
        value: (p) =>
          p.top
            .map((i) => {
              const cost = costOf(i);
              return `${i.instanceId} ${i.instanceType ?? '?'} ${cost === null ? 'no price' : usd(cost)}`;
            })
            .join('; '),
        max: 80,
        optional: true,
      },
    ],
    width,
  );
}

const CSV_FIELDS = [
  'instanceId',
  'account',
  'region',
  'instanceType',
  'person',
  'service',
  'evidence',
  'hours',
  'hourlyUsd',
  'priceKind',
  'priceDate',
  'noPrice',
  'costUsd',
  'platformAssumed',
  'uncertain',
] as const;

/** One row per instance that ran in the window. */
export function costsCsv(records: readonly ReturnType<typeof instanceCostRecord>[]): string {
  const lines = records.map((r) => CSV_FIELDS.map((field) => csvCell(r[field])).join(','));
  return `${[CSV_FIELDS.join(','), ...lines].join('\n')}\n`;
}

/** Tab-separated per instance, no header, as the AWS CLI's text output. */
export function costsText(records: readonly ReturnType<typeof instanceCostRecord>[]): string {
  return records
    .map((r) => `${CSV_FIELDS.map((field) => String(r[field] ?? '-').replace(/\s+/g, ' ')).join('\t')}\n`)
    .join('');
}

/** The totals line: what ran, for how long, what it cost at list prices, and what is uncertain. */
export function costsSummary(
  people: readonly PersonCost[],
  window: { readonly fromMs: number; readonly toMs: number },
  extra: { readonly uncertain: number; readonly platformAssumed: number; readonly inventoryRead: boolean },
): string {
  const totals = costTotals(people);
  const from = new Date(window.fromMs).toISOString().slice(0, 16).replace('T', ' ');
  const to = new Date(window.toMs).toISOString().slice(0, 16).replace('T', ' ');
  if (totals.instances === 0) return `no instance ran from ${from} to ${to} UTC`;
  const nobody = people.find((p) => p.person === null);
  return [
    `from ${from} to ${to} UTC: ${totals.instances} instance(s) ran ${totals.hours.toFixed(1)} instance-hours; ${usd(totals.costUsd)} at list prices (an estimate, not the bill)`,
    `${people.filter((p) => p.person !== null).length} person(s)${nobody ? `, and ${nobody.instances} instance(s) with nobody known` : ''}`,
    ...(totals.unpricedHours > 0
      ? [`${totals.unpricedHours.toFixed(1)} hour(s) without a price, not in that sum`]
      : []),
    ...(extra.platformAssumed > 0
      ? [`${extra.platformAssumed} instance(s) EC2 no longer lists priced as Linux/UNIX, shared tenancy`]
      : []),
    ...(extra.uncertain > 0
      ? [`${extra.uncertain} instance(s) stopped or gone with no call held, counted to the end of the window`]
      : []),
    ...(extra.inventoryRead
      ? []
      : ['EC2 not read: instances that ran without a call in the window are missing']),
  ].join('; ');
}
