/**
 * SIGTERM (what `timeout` and a cancelled CI job send) in the middle of `replay --local`: the
 * command stops after the batch in flight, says what it wrote, and leaves no process behind.
 * (That the embedded store stops when asked or idle is test/cli/local-mode.test.ts's.)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { writeSyntheticTrail } from '../../support/synthetic-trail';
import { ROOT } from '../helpers/cli';
import { dynamoClient, dynamoEndpoint, freshTable } from '../helpers/services';

/** Processes whose command line names `marker` (the test's own folder), with their pids. */
function processesNaming(marker: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps.stdout.split('\n').filter((line) => line.includes(marker) && !line.includes('ps -eo'));
}

describe('replay interrupted by a signal', () => {
  it('stops after the batch in flight, reports it, and leaves no process running', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ec2trail-signal-'));
    // Far more than a few seconds of replay on this machine: the signal lands mid-way.
    const trail = writeSyntheticTrail(join(cwd, 'trail'), { files: 20, eventsPerFile: 500, seed: 21 });
    const client = dynamoClient();
    const table = await freshTable(client, 'signal');
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'ec2trail.mjs'), 'replay', '--local', join(cwd, 'trail')],
      {
        cwd,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, EC2TRAIL_LOCAL_ENDPOINT: dynamoEndpoint(), EC2TRAIL_LOCAL_TABLE: table },
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr += text;
    });
    // The signal lands once rows are being written.
    const hang = Date.now() + 120_000;
    for (;;) {
      const page = await client.send(new ScanCommand({ TableName: table, Limit: 1 }));
      if ((page.Count ?? 0) > 0) break;
      if (Date.now() > hang) throw new Error('timed out after 120 s waiting for the first row');
      await new Promise((r) => setTimeout(r, 100));
    }
    client.destroy();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));

    expect(code).toBe(143);
    expect(stderr).toMatch(/Stopped by SIGTERM after the batch in flight/);
    const written = Number(/([\d,]+) records? written/.exec(stderr)?.[1]?.replaceAll(',', '') ?? Number.NaN);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(trail.records);
    // Nothing naming the folder survives the command (the launcher's child may take a moment).
    const deadline = Date.now() + 5_000;
    while (processesNaming(cwd).length > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(processesNaming(cwd)).toEqual([]);
  }, 180_000);
});
