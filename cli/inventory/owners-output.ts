/** How `owners` shows what it found: a table, JSON, CSV or text, and the summary line. */

import {
  type Coverage,
  EVIDENCE,
  UNKNOWN_REASONS,
  type UnknownReason,
} from '../../lambda/domain/inventory/ownership';
import type { OwnedInstance } from '../../lambda/inventory/find-owners';
import { NO_PRICE_READ, type PriceOfInstance, type RunningCost } from '../../lambda/inventory/prices';
import { csvCell } from '../rows-output';
import { renderTable } from '../table';

const DAY_MS = 86_400_000;

/** Whole days since the instance's original launch. */
export function ageDays(instance: OwnedInstance, nowMs: number): number | null {
  const launched = Date.parse(instance.originalLaunchTime ?? instance.launchTime ?? '');
  return Number.isFinite(launched) ? Math.floor((nowMs - launched) / DAY_MS) : null;
}

/** One instance as JSON and CSV show it. A missing price is null, never 0. */
export function ownerRecord(instance: OwnedInstance, nowMs: number, price: PriceOfInstance = NO_PRICE_READ) {
  return {
    instanceId: instance.instanceId,
    account: instance.account,
    region: instance.region,
    instanceType: instance.instanceType,
    state: instance.state,
    launchTime: instance.launchTime,
    originalLaunchTime: instance.originalLaunchTime,
    ageDays: ageDays(instance, nowMs),
    person: instance.person,
    personVerified: instance.personVerified,
    service: instance.service,
    evidence: instance.evidence,
    reason: instance.reason,
    hourlyUsd: price.hourlyUsd,
    priceKind: price.priceKind,
    priceDate: price.priceDate,
    noPrice: price.noPrice,
  };
}

export function ownersTable(
  instances: readonly OwnedInstance[],
  nowMs: number,
  priceOf: (i: OwnedInstance) => PriceOfInstance,
  width?: number,
): string {
  return renderTable(
    instances,
    [
      { header: 'INSTANCE', value: (i) => i.instanceId, keep: true },
      { header: 'ACCOUNT', value: (i) => i.account, keep: true },
      { header: 'REGION', value: (i) => i.region, keep: true },
      { header: 'TYPE', value: (i) => i.instanceType },
      { header: 'STATE', value: (i) => i.state },
      { header: 'AGE', value: (i) => (ageDays(i, nowMs) === null ? null : `${ageDays(i, nowMs)} d`) },
      {
        header: 'USD/H',
        value: (i) => {
          const usd = priceOf(i).hourlyUsd;
          return usd === null ? 'no price' : usd.toFixed(4);
        },
      },
      { header: 'PERSON', value: (i) => i.person, max: 40 },
      { header: 'EVIDENCE', value: (i) => i.evidence },
      { header: 'SERVICE', value: (i) => i.service, max: 40, optional: true },
      {
        header: 'WHY UNKNOWN',
        value: (i) => (i.reason ? UNKNOWN_REASONS[i.reason] : null),
        max: 60,
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
  'state',
  'launchTime',
  'originalLaunchTime',
  'ageDays',
  'person',
  'personVerified',
  'service',
  'evidence',
  'reason',
  'hourlyUsd',
  'priceKind',
  'priceDate',
  'noPrice',
] as const;

export function ownersCsv(
  instances: readonly OwnedInstance[],
  nowMs: number,
  priceOf: (i: OwnedInstance) => PriceOfInstance,
): string {
  const lines = instances.map((i) => {
    const record = ownerRecord(i, nowMs, priceOf(i));
    return CSV_FIELDS.map((field) => csvCell(record[field])).join(',');
  });
  return `${[CSV_FIELDS.join(','), ...lines].join('\n')}\n`;
}

/** Tab-separated, no header, as the AWS CLI's text output. */
export function ownersText(
  instances: readonly OwnedInstance[],
  nowMs: number,
  priceOf: (i: OwnedInstance) => PriceOfInstance,
): string {
  return instances
    .map((i) => {
      const record = ownerRecord(i, nowMs, priceOf(i));
      return CSV_FIELDS.map((field) => String(record[field] ?? '-').replace(/\s+/g, ' ')).join('\t');
    })
    .map((line) => `${line}\n`)
    .join('');
}

const EVIDENCE_WORDS = {
  table: 'from the table',
  'event-history': 'from Event history',
  trail: "from the trail's files",
  tags: 'from tags',
} as const;

/** The summary line: coverage as a percentage, how people were found, why the rest are unknown. */
export function summaryLine(
  coverage: Coverage,
  regions: number,
  lookups: number,
  cost: RunningCost | null = null,
): string {
  if (coverage.instances === 0) return `no instance in ${regions} region(s)`;
  const found = EVIDENCE.flatMap((e) =>
    coverage.byEvidence[e] ? [`${coverage.byEvidence[e]} ${EVIDENCE_WORDS[e]}`] : [],
  );
  const unknown = (Object.entries(coverage.unknownByReason) as [UnknownReason, number][]).map(
    ([reason, count]) => `${count} ${UNKNOWN_REASONS[reason]}`,
  );
  const unknownCount = coverage.instances - coverage.withPerson;
  return [
    `${coverage.instances} instance(s) in ${regions} region(s); ${coverage.withPerson} with a person (${coverage.percent} %)`,
    ...(found.length > 0 ? [found.join(', ')] : []),
    ...(unknownCount > 0 ? [`${unknownCount} unknown: ${unknown.join('; ')}`] : []),
    ...(lookups > 0 ? [`${lookups} Event history request(s), 2 a second per region at most`] : []),
    ...(cost
      ? [
          `running: USD ${cost.hourlyUsd.toFixed(2)} an hour at on-demand list prices${cost.spot > 0 ? ` (${cost.spot} at the latest Spot price)` : ''} (an estimate, not the bill)${cost.unpriced > 0 ? `, ${cost.unpriced} running instance(s) without a price` : ''}`,
        ]
      : []),
  ].join('; ');
}
