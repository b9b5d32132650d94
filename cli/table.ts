/** Plain-text tables for terminals: aligned columns, no colour codes, no dependencies. */

export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string | number | null | undefined;
  /** Longest width before the cell is cut with an ellipsis. */
  readonly max?: number;
  /** Left out, rightmost first, when the terminal is too narrow for every column at its minimum. */
  readonly optional?: boolean;
}

function cell(text: string, max: number | undefined): string {
  const flat = text.replace(/\s+/g, ' ');
  return max !== undefined && flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Narrowest a column is cut to when the table must fit a terminal. */
const MIN_WIDTH = 8;

function floorOf(column: Column<unknown>): number {
  return Math.min(Math.max(column.header.length, MIN_WIDTH), MIN_WIDTH * 2);
}

/** The columns whose minimums fit the width, leaving out optional ones from the right. */
function fitting<T>(columns: readonly Column<T>[], maxWidth: number): readonly Column<T>[] {
  const kept = [...columns];
  const need = () => kept.reduce((sum, c) => sum + floorOf(c as Column<unknown>), 0) + 2 * (kept.length - 1);
  for (let i = kept.length - 1; i >= 0 && need() > maxWidth; i--) if (kept[i]?.optional) kept.splice(i, 1);
  return kept;
}

/**
 * The table, its columns aligned. With `maxWidth` (the terminal's width), the widest columns are
 * narrowed one character at a time until the lines fit, and their cells end in an ellipsis; a
 * terminal too narrow for every column at its minimum still gets the minimums.
 */
export function renderTable<T>(
  rows: readonly T[],
  allColumns: readonly Column<T>[],
  maxWidth?: number,
): string {
  const columns = maxWidth === undefined ? allColumns : fitting(allColumns, maxWidth);
  let cells = rows.map((row) => columns.map((column) => cell(String(column.value(row) ?? '-'), column.max)));
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((r) => (r[i] ?? '').length)),
  );
  if (maxWidth !== undefined) {
    const floor = columns.map((column) => floorOf(column as Column<unknown>));
    const total = () => widths.reduce((sum, w) => sum + w, 0) + 2 * (widths.length - 1);
    while (total() > maxWidth) {
      let widest = -1;
      for (let i = 0; i < widths.length; i++)
        if ((widths[i] ?? 0) > (floor[i] ?? 0) && (widest < 0 || (widths[i] ?? 0) > (widths[widest] ?? 0)))
          widest = i;
      if (widest < 0) break;
      widths[widest] = (widths[widest] ?? 0) - 1;
    }
    cells = cells.map((r) => r.map((text, i) => cell(text, widths[i])));
  }
  const line = (values: readonly string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c, i) => cell(c.header, widths[i]))),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
  ].join('\n');
}
