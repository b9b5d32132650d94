/**
 * The embedded store's answers, cold and warm: `who`, `recent`, `digest` and `report` with
 * `--local` on the example trail, each the median of several runs of the real CLI. Cold is the
 * first command in a folder (DynamoDB Local starts); warm is every later one (it is reused).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const WINDOW = ['--since', '2026-03-01', '--until', '2026-03-31'];

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

const round = (value: number) => Math.round(value * 100) / 100;

export function benchLocal(
  cli: string,
  root: string,
  runs: number,
  say: (line: string) => void,
): Record<string, number> {
  const run = (cwd: string, argv: readonly string[]): number => {
    const started = performance.now();
    const result = spawnSync(process.execPath, [cli, ...argv], { cwd, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`ec2trail ${argv.join(' ')}: ${result.stderr}`);
    return (performance.now() - started) / 1000;
  };
  const folder = () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ec2trail-bench-local-'));
    symlinkSync(join(root, 'examples'), join(cwd, 'examples'));
    return cwd;
  };
  const commands: Record<string, readonly string[]> = {
    who: ['who', '--local', 'i-0a1b2c3d4e5f60001'],
    recent: ['recent', '--local', ...WINDOW],
    digest: ['digest', '--local', ...WINDOW],
    report: ['report', '--local', ...WINDOW, '--html', 'report.html'],
  };
  const figures: Record<string, number> = {};
  say(`local: cold and warm --local answers on the example trail, medians of ${runs} runs`);
  for (const [name, argv] of Object.entries(commands)) {
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) {
      // Cold: a folder whose store has the trail but is stopped; the command starts it.
      const cwd = folder();
      run(cwd, ['replay', '--local', 'examples/AWSLogs']);
      run(cwd, ['local', 'stop']);
      cold.push(run(cwd, argv));
      warm.push(run(cwd, argv));
      run(cwd, ['local', 'stop']);
    }
    // Warm: the same command again and again in one folder.
    const cwd = folder();
    run(cwd, ['replay', '--local', 'examples/AWSLogs']);
    for (let i = 0; i < runs; i++) warm.push(run(cwd, argv));
    run(cwd, ['local', 'stop']);
    figures[`local${name[0]?.toUpperCase()}${name.slice(1)}ColdS`] = round(median(cold));
    figures[`local${name[0]?.toUpperCase()}${name.slice(1)}WarmS`] = round(median(warm));
  }
  return figures;
}
