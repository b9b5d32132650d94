/** Plain-text tables for terminals: aligned columns, no colour codes, no dependencies. */

export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string | number | null | undefined;
  /** Longest width before the cell is cut with an ellipsis. */
  readonly max?: number;
}

function cell(text: string, max: number | undefined): string {
  const flat = text.replace(/\s+/g, ' ');
  return max !== undefined && flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) =>
    columns.map((column) => cell(String(column.value(row) ?? '-'), column.max)),
  );
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((r) => (r[i] ?? '').length)),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c) => c.header)),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
  ].join('\n');
}
