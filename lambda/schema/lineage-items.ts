/**
 * Where causes and effect pointers live in the attribution table: one partition per resource
 * (`res#<resource key>`), causes sorted by time under `c#`, effects under `e#`.
 */

import { ATTRIBUTION_TABLE } from './attribution-table';

export const RESOURCE_PREFIX = 'res#';
const LAST = '\uffff';
const YEAR_10000 = Date.UTC(10000, 0, 1);

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function resourcePartition(key: string): string {
  return `${RESOURCE_PREFIX}${key}`;
}

export function causeItemKey(key: string, sort: string): Record<string, string> {
  return {
    [ATTRIBUTION_TABLE.partitionKey]: resourcePartition(key),
    [ATTRIBUTION_TABLE.sortKey]: `c#${sort}`,
  };
}

/** Sort-key bounds of the causes at or before `atMs` (the whole second's events included). */
export function causesUpTo(atMs: number): { from: string; to: string } {
  return { from: 'c#', to: `c#${iso(atMs)}#${LAST}` };
}

export function effectItemKey(
  key: string,
  timeMs: number,
  eventKey: string,
  instanceId: string,
): Record<string, string> {
  return {
    [ATTRIBUTION_TABLE.partitionKey]: resourcePartition(key),
    [ATTRIBUTION_TABLE.sortKey]: `e#${iso(timeMs)}#${eventKey}#${instanceId}`,
  };
}

export function effectsBetween(fromMs: number, toMs: number): { from: string; to: string } {
  // Past year 9999 an ISO time gains a sign and no longer sorts: "no upper bound" instead.
  const to = toMs >= YEAR_10000 ? `e#${LAST}` : `e#${iso(toMs)}#${LAST}`;
  return { from: `e#${iso(fromMs)}`, to };
}

/** The attributes a link may change on a row: the function's role may update nothing else. */
export const LINK_ATTRIBUTES = [
  'via',
  'initiator',
  'initiatorReason',
  'lineage',
  'linkSort',
  'person',
] as const;
