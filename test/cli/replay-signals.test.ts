/**
 * SIGTERM (what `timeout` and a cancelled CI job send) in the middle of `replay --local`: the
 * command stops after the batch in flight, says what it wrote, and leaves no process behind,
 * DynamoDB Local included.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticTrail } from '../../support/synthetic-trail';
import { ROOT } from '../helpers/cli';

/** Processes whose command line names `marker` (the test's own folder), with their pids. */
function processesNaming(marker: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps.stdout.split('\n').filter((line) => line.includes(marker) && !line.includes('ps -eo'));
}

describe('replay interrupted by a signal', () => {
  it('stops after the batch in flight, reports it, and leaves no process running', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ec2trail-signal-'));
    // Far more than a few seconds of replay on this machine: the signal lands mid-way.
    const trail = writeSyntheticTrail(join(cwd, 'trail'), { files: 60, eventsPerFile: 500, seed: 21 });
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'ec2trail.mjs'), 'replay', '--local', join(cwd, 'trail')],
      {
        cwd,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr += text;
    });
    // DynamoDB Local is up once its data folder shows in a process's arguments.
    const started = Date.now();
    while (
      processesNaming(cwd).filter((l) => l.includes('java')).length === 0 &&
      Date.now() - started < 60_000
    )
      await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 10_000));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));

    expect(code).toBe(143);
    expect(stderr).toMatch(/Stopped by SIGTERM after the batch in flight/);
    const written = Number(/([\d,]+) records? written/.exec(stderr)?.[1]?.replaceAll(',', '') ?? Number.NaN);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(trail.records);
    // Nothing naming the folder survives the command (the watchdog may take a moment).
    const deadline = Date.now() + 5_000;
    while (processesNaming(cwd).length > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(processesNaming(cwd)).toEqual([]);
  }, 180_000);
});
