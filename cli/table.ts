/** Plain-text tables for terminals: aligned columns, no colour codes, no dependencies. */

export interface Column<T> {
  readonly header: string;
  readonly value: (row: T) => string | number | null | undefined;
  /** Longest width before the cell is cut with an ellipsis (free-text columns only). */
  readonly max?: number;
  /**
   * Never cut: what identifies something (a time, an instance id, an account). Only the other,
   * free-text columns give way when the terminal is narrow. @default false
   */
  readonly keep?: boolean;
  /** Left out, rightmost first, when the terminal is too narrow for every column at its minimum. */
  readonly optional?: boolean;
}

/** Narrowest a free-text column (its header too) is cut to when the table must fit a terminal. */
const MIN_WIDTH = 6;

const ARN_ACCOUNT = /^arn:[^:]*:[^:]*:[^:]*:\d{12}:/;

/**
 * Where a cell may be cut: never inside an ARN's account (`arn:aws:iam::111122223333:` stays
 * whole), so a cut ARN still says whose it is.
 */
function uncuttable(text: string): number {
  return ARN_ACCOUNT.exec(text)?.[0].length ?? 0;
}

function cut(text: string, width: number): string {
  if (text.length <= width) return text;
  const keep = Math.max(width - 1, uncuttable(text));
  return `${text.slice(0, keep)}…`;
}

function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/** A column that shows nothing in any row takes no width. */
function isEmpty(cells: readonly string[]): boolean {
  return cells.every((text) => text === '' || text === '-');
}

interface Laid<T> {
  readonly column: Column<T>;
  readonly cells: string[];
  /** The width the column cannot go below. */
  readonly floor: number;
  width: number;
}

function layOut<T>(column: Column<T>, rows: readonly T[]): Laid<T> {
  const cells = rows.map((row) => {
    const text = flat(String(column.value(row) ?? '-'));
    return column.keep || column.max === undefined ? text : cut(text, column.max);
  });
  const natural = Math.max(column.header.length, ...cells.map((text) => text.length));
  const floor = column.keep ? natural : Math.min(natural, Math.max(MIN_WIDTH, ...cells.map(uncuttable)));
  return { column, cells, floor, width: natural };
}

const widthOf = (columns: readonly { width: number }[]) =>
  columns.reduce((sum, c) => sum + c.width, 0) + 2 * Math.max(columns.length - 1, 0);

/**
 * The table, its columns aligned. Columns with nothing to show are left out. With `maxWidth`
 * (the terminal's width), the columns that are not optional get their whole width first:
 * optional columns go, rightmost first, until the others fit whole beside the minimums of the
 * optional ones left; then the widest optional column is narrowed one character at a time, and
 * only then the widest free-text column of the others, their cells ending in an ellipsis.
 * Columns marked `keep` are never cut: a line that cannot fit even so is left for the terminal
 * to wrap.
 */
export function renderTable<T>(
  rows: readonly T[],
  allColumns: readonly Column<T>[],
  maxWidth?: number,
): string {
  let columns = allColumns.map((column) => layOut(column, rows));
  if (rows.length > 0) columns = columns.filter((c) => !isEmpty(c.cells));
  if (maxWidth !== undefined) {
    const need = () => widthOf(columns.map((c) => ({ width: c.column.optional ? c.floor : c.width })));
    for (let i = columns.length - 1; i >= 0 && need() > maxWidth; i--)
      if (columns[i]?.column.optional) columns.splice(i, 1);
    for (const pool of [columns.filter((c) => c.column.optional), columns])
      while (widthOf(columns) > maxWidth) {
        let widest: Laid<T> | undefined;
        for (const c of pool) if (c.width > c.floor && (!widest || c.width > widest.width)) widest = c;
        if (!widest) break;
        widest.width--;
      }
  }
  const line = (values: readonly string[]) =>
    values
      .map((value, i) => value.padEnd(columns[i]?.width ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c) => cut(c.column.header, c.width))),
    line(columns.map((c) => '-'.repeat(c.width))),
    ...rows.map((_, r) => line(columns.map((c) => cut(c.cells[r] ?? '', c.width)))),
  ].join('\n');
}
