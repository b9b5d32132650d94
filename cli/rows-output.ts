/** Renders stored rows as a table, JSON or CSV, like the AWS CLI's --output. */

import type { StoredRow } from '../lambda/schema/stored-row';
import { UsageError } from './errors';
import { recordColumns, type ShownRecord, toolLabel } from './record-columns';
import { type Column, renderTable } from './table';

export const OUTPUT_FORMATS = ['table', 'json', 'csv', 'text'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/**
 * As the AWS CLI chooses: `--output`, else `AWS_DEFAULT_OUTPUT`, else the profile's `output`;
 * with none, a table on a terminal and JSON otherwise. A format ec2trail lacks (the AWS CLI's
 * yaml) from the environment or profile falls back to that default, with a word on stderr.
 */
export function outputFormat(
  value: string | undefined,
  isTTY: boolean,
  settings: { env?: NodeJS.ProcessEnv; profileOutput?: string; warn?: (line: string) => void } = {},
): OutputFormat {
  const fallback: OutputFormat = isTTY ? 'table' : 'json';
  if (value !== undefined) {
    const found = OUTPUT_FORMATS.find((f) => f === value);
    if (!found) throw new UsageError(`--output "${value}" is not one of ${OUTPUT_FORMATS.join(', ')}`);
    return found;
  }
  const env = settings.env ?? process.env;
  const [source, chosen] = env.AWS_DEFAULT_OUTPUT
    ? ['AWS_DEFAULT_OUTPUT', env.AWS_DEFAULT_OUTPUT]
    : settings.profileOutput
      ? ["the profile's output setting", settings.profileOutput]
      : [null, undefined];
  if (chosen === undefined) return fallback;
  const found = OUTPUT_FORMATS.find((f) => f === chosen);
  if (!found)
    settings.warn?.(
      `ec2trail: output "${chosen}" (from ${source}) is not one of ${OUTPUT_FORMATS.join(', ')}; using ${fallback}`,
    );
  return found ?? fallback;
}

/** `aws --output text`: one line per row, values tab-separated, None for a missing value. */
function textCell(value: string | null | undefined): string {
  return value === null || value === undefined || value === '' ? 'None' : value.replace(/[\t\r\n]+/g, ' ');
}

export const ROW_COLUMNS: readonly Column<StoredRow>[] = [
  ...recordColumns<StoredRow>(),
  { header: 'INGESTED', value: (r) => r.ingestedBy, optional: true },
];

/** What CSV and text output read: a record (inspect) or a stored row (queries). */
export interface DelimitedRow extends ShownRecord {
  readonly eventId: string | null;
  readonly actor: ShownRecord['actor'] & { readonly arn: string | null };
  readonly initiator?:
    | (NonNullable<ShownRecord['initiator']> & { readonly eventName?: string | null })
    | null;
  readonly initiatorReason?: string | null;
  /** Absent for inspect, which stores nothing. */
  readonly ingestedBy?: string;
}

export const CSV_FIELDS: readonly [string, (r: DelimitedRow) => string | null | undefined][] = [
  ['eventTime', (r) => r.eventTime],
  ['action', (r) => r.action],
  ['instanceId', (r) => r.instanceId],
  ['outcome', (r) => r.outcome],
  ['errorCode', (r) => r.errorCode],
  ['actorName', (r) => r.actor.name],
  ['actorArn', (r) => r.actor.arn],
  ['actorType', (r) => r.actor.type],
  ['tool', toolLabel],
  ['sourceIp', (r) => r.source.ip],
  ['account', (r) => r.account],
  ['region', (r) => r.region],
  ['eventId', (r) => r.eventId],
  ['ingestedBy', (r) => r.ingestedBy],
  // Who is behind a service's call (README: "Who is behind the service"); appended, so older readers keep their columns.
  ['viaService', (r) => r.via?.service],
  ['viaResource', (r) => (r.via ? `${r.via.resourceType} ${r.via.resourceId ?? ''}`.trim() : null)],
  ['initiatorName', (r) => r.initiator?.name],
  ['initiatorArn', (r) => r.initiator?.arn],
  ['initiatorEvent', (r) => r.initiator?.eventName],
  ['initiatorReason', (r) => r.initiatorReason],
];

/** One CSV cell: quoted when it needs it, and a cell a spreadsheet would run as a formula defused. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return csvCell(String(value));
  // Quote what needs it, and defuse cells a spreadsheet would run as formulas.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** CSV (with its header line when `header`) or text lines for rows of any record shape. */
export function delimitedLines<T extends DelimitedRow>(
  rows: readonly T[],
  format: 'csv' | 'text',
  fields: readonly (readonly [string, (r: T) => string | null | undefined])[],
  header: boolean,
): string {
  const lines =
    format === 'csv'
      ? rows.map((row) => fields.map(([, get]) => csvCell(get(row))).join(','))
      : rows.map((row) => fields.map(([, get]) => textCell(get(row))).join('\t'));
  if (format === 'csv' && header) lines.unshift(fields.map(([name]) => name).join(','));
  return lines.map((line) => `${line}\n`).join('');
}

/** JSON drops the key-only attributes: what remains is the attribution record. */
function publicRow(row: StoredRow): Omit<StoredRow, 'eventTimeId'> {
  const { eventTimeId: _key, ...rest } = row;
  return rest;
}

/** A field a command adds to every row: a first table column, a JSON key and a last CSV column. */
export interface ExtraField {
  readonly name: string;
  readonly header: string;
  value(row: StoredRow): string;
}

export function renderRows(
  rows: readonly StoredRow[],
  format: OutputFormat,
  extra: ExtraField | null = null,
  width?: number,
): string {
  const fields = extra
    ? [...CSV_FIELDS, [extra.name, (r: StoredRow) => extra.value(r)] as const]
    : CSV_FIELDS;
  switch (format) {
    case 'json':
      return `${JSON.stringify(
        rows.map((row) => (extra ? { [extra.name]: extra.value(row), ...publicRow(row) } : publicRow(row))),
        null,
        2,
      )}\n`;
    case 'text':
    case 'csv':
      return delimitedLines(rows, format, fields, true);
    case 'table':
      return `${renderTable(rows, extra ? [{ header: extra.header, value: (r: StoredRow) => extra.value(r) }, ...ROW_COLUMNS] : ROW_COLUMNS, width)}\n`;
  }
}
