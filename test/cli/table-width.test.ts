/**
 * Tables fit the terminal: long free-text cells are cut with an ellipsis; what identifies a call
 * (a time, an instance id, an ARN's account) is never cut, and empty columns take no width.
 */
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
    expect(lines[2]).toBe(`short  ${'x'.repeat(5)}…  ${'y'.repeat(5)}…`);
  });

  it('leaves out optional columns, rightmost first, when even their minimums do not fit', () => {
    const withOptional = [
      columns[0],
      { ...columns[1], optional: true },
      { ...columns[2], optional: true },
    ] as typeof columns;
    // A (5) + 2 + B at its minimum 6 + 2 + C at 6 = 21: at 20, C goes; at 12, B goes too.
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
      expect.arrayContaining(['TIME', 'ACTION', 'INSTANCE', 'OUTCOME', 'WHO', 'VIOLATI…']),
    );
    expect(eighty[0]).not.toContain('SOURCE IP');
  });

  it('never cuts a column marked keep, and cuts only free text, however narrow', () => {
    const wide = [{ t: '2026-03-02T09:15:04.000Z', i: 'i-0a1b2c3d4e5f60001', who: 'x'.repeat(50) }];
    const keepColumns = [
      { header: 'TIME', value: (r: (typeof wide)[number]) => r.t, keep: true },
      { header: 'INSTANCE', value: (r: (typeof wide)[number]) => r.i, keep: true },
      { header: 'WHO', value: (r: (typeof wide)[number]) => r.who },
    ];
    for (const width of [20, 60, 80]) {
      const row = renderTable(wide, keepColumns, width).split('\n')[2] ?? '';
      expect(row.startsWith('2026-03-02T09:15:04.000Z  i-0a1b2c3d4e5f60001  x')).toBe(true);
    }
    // 24 + 2 + 19 + 2 = 47: at 60, WHO has 13 characters, its last an ellipsis.
    expect(renderTable(wide, keepColumns, 60).split('\n')[2]).toBe(
      `2026-03-02T09:15:04.000Z  i-0a1b2c3d4e5f60001  ${'x'.repeat(12)}…`,
    );
  });

  it('cuts an ARN after its account, never inside it', () => {
    const arns = [{ a: 'arn:aws:iam::111122223333:role/a-very-long-role-name-for-deployments' }];
    const arnColumn = [{ header: 'ARN', value: (r: (typeof arns)[number]) => r.a }];
    expect(renderTable(arns, arnColumn, 10).split('\n')[2]).toBe('arn:aws:iam::111122223333:…');
    expect(renderTable(arns, arnColumn, 40).split('\n')[2]).toBe('arn:aws:iam::111122223333:role/a-very-l…');
  });

  it('gives no width to a column that shows nothing in any row', () => {
    const sparse = [
      { a: 'one', via: '', b: 'x' },
      { a: 'two', via: '', b: 'y' },
    ];
    const sparseColumns = [
      { header: 'A', value: (r: (typeof sparse)[number]) => r.a },
      { header: 'VIA', value: (r: (typeof sparse)[number]) => r.via },
      { header: 'B', value: (r: (typeof sparse)[number]) => r.b },
    ];
    expect(renderTable(sparse, sparseColumns).split('\n')).toEqual(['A    B', '---  -', 'one  x', 'two  y']);
  });

  it.each([80, 120, 200])('inspect at %i columns keeps every time and instance id whole', (width) => {
    const lines = runCli(['inspect', join(ROOT, 'examples')], {
      env: { COLUMNS: String(width) },
    }).stdout.split('\n');
    const body = lines.slice(2).filter(Boolean);
    expect(body.length).toBeGreaterThan(10);
    for (const line of body)
      expect(line).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z +\S+ +(i-[0-9a-f]{17}|-) /);
  });
});
