/** Table columns for attribution records, shared by `inspect` and the query commands. */

import type { Column } from './table';

/** What a record and a stored row have in common: all a table of them shows. */
export interface ShownRecord {
  readonly eventTime: string | null;
  readonly action: string;
  readonly eventName: string;
  readonly instanceId: string | null;
  readonly outcome: string;
  readonly errorCode: string | null;
  readonly actor: { readonly name: string | null; readonly type: string };
  readonly source: {
    readonly ip: string | null;
    readonly tool: string;
    readonly sdkLanguage?: string | null;
  };
  readonly account: string | null;
  readonly region: string | null;
  readonly via?: {
    readonly service: string;
    readonly resourceType: string;
    readonly resourceId: string | null;
  } | null;
  readonly initiator?: { readonly name: string | null; readonly arn: string | null } | null;
}

/** "auto-scaling-group web-asg" for a service's call, empty for a direct one. */
export function viaLabel(row: ShownRecord): string {
  if (!row.via) return '';
  return `${row.via.resourceType} ${row.via.resourceId ?? '(unnamed)'}`;
}

/** The person behind a service's call, `?` when unknown, empty for a direct call (WHO says it). */
export function initiatorLabel(row: ShownRecord): string {
  if (!row.via) return '';
  return row.initiator ? (row.initiator.name ?? row.initiator.arn ?? '?') : '?';
}

export function toolLabel(row: ShownRecord): string {
  return row.source.sdkLanguage ? `sdk/${row.source.sdkLanguage}` : row.source.tool;
}

/** The columns every table of records shows, for `inspect` and the query commands alike. */
export function recordColumns<T extends ShownRecord>(): Column<T>[] {
  return [
    { header: 'TIME', value: (r) => r.eventTime, keep: true },
    // A change that makes a service act is named by its call: "SetDesiredCapacity" says more than "service-change".
    { header: 'ACTION', value: (r) => (r.action === 'service-change' ? r.eventName : r.action), keep: true },
    { header: 'INSTANCE', value: (r) => r.instanceId, keep: true },
    {
      header: 'OUTCOME',
      value: (r) => (r.outcome === 'failed' ? `failed: ${r.errorCode}` : r.outcome),
      max: 34,
    },
    { header: 'WHO', value: (r) => r.actor.name, max: 44 },
    // The rest give way, from the right, on a terminal too narrow for them all; what identifies
    // a call (its time, instance, account) is never cut, only left out whole.
    { header: 'VIA', value: viaLabel, max: 40, optional: true },
    { header: 'BEHIND', value: initiatorLabel, max: 40, optional: true },
    { header: 'IDENTITY', value: (r) => r.actor.type, optional: true },
    { header: 'TOOL', value: toolLabel, optional: true },
    { header: 'SOURCE IP', value: (r) => r.source.ip, max: 28, optional: true },
    { header: 'ACCOUNT', value: (r) => r.account, keep: true, optional: true },
    { header: 'REGION', value: (r) => r.region, keep: true, optional: true },
  ];
}
