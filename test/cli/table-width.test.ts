/** Tables fit the terminal: long cells are cut with an ellipsis instead of wrapping. */
import { join } from 'node:path';
import { renderTable } from '../../cli/table';
import { ROOT, runCli } from '../helpers/cli';

describe('table width', () => {
  const rows = [
    { a: 'short', b: 'x'.repeat(60), c: 'y'.repeat(30) },
    { a: 'tiny', b: 'b', c: 'c' },
  ];
  const columns = [
    { header: 'A', value: (r: (typeof rows)[number]) => r.a },
    { header: 'B', value: (r: (typeof rows)[number]) => r.b },
    { header: 'C', value: (r: (typeof rows)[number]) => r.c },
  ];

  it('keeps every line within the width, narrowing the widest column first', () => {
    const lines = renderTable(rows, columns, 50).split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(50);
    // 50 = A (5) + 2 + B + 2 + C, so B + C = 41. B, the widest, gives way alone down to 30;
    // then B and C take turns, B first on ties: B 20, C 21, each cut with an ellipsis.
    expect(lines[2]).toBe(`short  ${'x'.repeat(19)}…  ${'y'.repeat(20)}…`);
  });

  it('leaves a table that fits as it is', () => {
    expect(renderTable(rows, columns, 200)).toBe(renderTable(rows, columns));
  });

  it('never cuts a column below its minimum, even on a very narrow terminal', () => {
    const lines = renderTable(rows, columns, 10).split('\n');
    expect(lines[2]).toBe(`short  ${'x'.repeat(7)}…  ${'y'.repeat(7)}…`);
  });

  it('leaves out optional columns, rightmost first, when even their minimums do not fit', () => {
    const withOptional = [
      columns[0],
      { ...columns[1], optional: true },
      { ...columns[2], optional: true },
    ] as typeof columns;
    // A (5) + 2 + B at its minimum 8 + 2 + C at 8 = 25: at 20, C goes; at 12, B goes too.
    expect(renderTable(rows, withOptional, 20).split('\n')[0]).toBe('A      B');
    expect(renderTable(rows, withOptional, 12).split('\n')[0]).toBe('A');
  });

  it('the CLI fits its tables to COLUMNS', () => {
    const examples = join(ROOT, 'examples');
    const wide = runCli(['inspect', examples], { env: { COLUMNS: '' } }).stdout.split('\n');
    expect(Math.max(...wide.map((l) => l.length))).toBeGreaterThan(100);
    const narrow = runCli(['inspect', examples], { env: { COLUMNS: '140' } }).stdout.split('\n');
    for (const line of narrow) expect([...line].length).toBeLessThanOrEqual(140);
    expect(narrow.some((line) => line.includes('…'))).toBe(true);
    // An 80-column terminal keeps what identifies a call, and inspect's verdict, and drops the rest.
    const eighty = runCli(['inspect', examples], { env: { COLUMNS: '80' } }).stdout.split('\n');
    for (const line of eighty) expect([...line].length).toBeLessThanOrEqual(80);
    expect(eighty[0]?.split(/\s{2,}/)).toEqual(
      expect.arrayContaining(['TIME', 'ACTION', 'INSTANCE', 'OUTCOME', 'WHO', 'VIOLATIONS']),
    );
    expect(eighty[0]).not.toContain('SOURCE IP');
  });
});
