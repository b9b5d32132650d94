/** Hostile and broken inputs to the CLI: one clear line each, the rest still processed, the documented exit code. */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { jsonLines, ROOT, runCli } from '../helpers/cli';
import { FIXTURES } from '../helpers/fixtures';
import { dynamoClient, dynamoEndpoint, freshTable } from '../helpers/services';

function badFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ec2trail-bad-'));
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'a-invalid.json'), '{"Records": [ {"eventName": "RunInstances",, } ]}');
  writeFileSync(join(dir, 'b-truncated.json.gz'), gzipSync('{"Records":[]}').subarray(0, 12));
  writeFileSync(
    join(dir, 'c-garbage.bin'),
    Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
  );
  writeFileSync(join(dir, 'd-empty.json'), '');
  writeFileSync(join(dir, 'e-not-cloudtrail.json'), JSON.stringify({ hello: 'world' }));
  copyFileSync(join(FIXTURES, 'events', 'runinstances-root-console.json'), join(dir, 'f-good.json'));
  const locked = join(dir, 'g-locked');
  mkdirSync(locked);
  writeFileSync(join(locked, 'hidden.json'), '{}');
  chmodSync(locked, 0o000);
  return dir;
}

/** Runs the CLI as an unprivileged user when we are root, so a locked folder really is locked. */
function runUnprivileged(args: readonly string[]) {
  const asRoot = process.getuid?.() === 0;
  const command = asRoot ? 'runuser' : process.execPath;
  const full = asRoot
    ? ['-u', 'nobody', '--', process.execPath, join(ROOT, 'bin', 'ec2trail.mjs'), ...args]
    : [join(ROOT, 'bin', 'ec2trail.mjs'), ...args];
  const result = spawnSync(command, full, {
    cwd: tmpdir(),
    encoding: 'utf8',
    env: { ...process.env, HOME: tmpdir() },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bad input to the CLI', () => {
  const dir = badFolder();

  it('inspect names each unreadable input in one line, processes the rest and exits 1', () => {
    const result = runUnprivileged(['inspect', '--json', dir]);
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines.slice(0, -1)).toEqual([
      `ec2trail: ${join(dir, 'a-invalid.json')}: invalid JSON at line 1, column 44: Expected double-quoted property name`,
      `ec2trail: ${join(dir, 'b-truncated.json.gz')}: not a readable gzip file (unexpected end of file)`,
      `ec2trail: ${join(dir, 'c-garbage.bin')}: binary data, not JSON text`,
      `ec2trail: ${join(dir, 'd-empty.json')}: the file is empty`,
      `ec2trail: ${join(dir, 'g-locked')}: permission denied`,
    ]);
    expect(lines.at(-1)).toMatch(
      /^7 files, 1 event, 1 attributed, 3 records, 0 skipped \(not watched\), 1 unrecognized, 5 errors$/,
    );
    expect(jsonLines(result.stdout).map((r) => r.instanceId)).toEqual([
      'i-0b1b2c3d4e5f60001',
      'i-0b1b2c3d4e5f60002',
      'i-0b1b2c3d4e5f60003',
    ]);
  });

  it('replay writes what it can read, names the rest and exits 1', async () => {
    const client = dynamoClient();
    const table = await freshTable(client, 'bad-input');
    client.destroy();
    const result = runCli(['replay', dir, '--endpoint-url', dynamoEndpoint(), '--table', table]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('d-empty.json: the file is empty');
    expect(result.stderr).toMatch(/records written/);
    expect(result.stderr).toMatch(
      /: \d+ files, 1 event \(1 attributed\), 3 records written, 0 duplicates, 0 skipped, \d+ unrecognized, \d+ errors\n$/,
    );
  });

  it('walks a folder of looping symbolic links to the end, naming each link it did not follow', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ec2trail-links-'));
    copyFileSync(join(FIXTURES, 'events/runinstances-iamuser-cli.json'), join(dir, 'launch.json'));
    symlinkSync('.', join(dir, 'a'));
    symlinkSync('.', join(dir, 'b'));
    symlinkSync('launch.json', join(dir, 'same-launch.json'));
    const result = runCli(['inspect', '--json', dir]);
    expect(result.status).toBe(1);
    // The linked file is read (2 records each, the same event twice); the two folder links are named.
    expect(jsonLines(result.stdout)).toHaveLength(4);
    const skipped = result.stderr.split('\n').filter((line) => line.includes('not followed'));
    expect(skipped).toHaveLength(2);
    expect(skipped[0]).toContain(join(dir, 'a'));
    expect(skipped[1]).toContain(join(dir, 'b'));
  });

  it.each([['0'], ['36501'], ['1.5']])(
    'replay refuses --retention-days %s, as the deploy config does, with one line and the usage hint',
    (days) => {
      const result = runCli(['replay', '--retention-days', days, '--local', FIXTURES]);
      expect(result.status).toBe(2);
      // The mistake in one line, then the usage hint every usage error ends with.
      const [error, hint, ...rest] = result.stderr.trim().split('\n');
      expect(error).toMatch(/^ec2trail replay: --retention-days/);
      expect(hint).toBe('Run "ec2trail replay --help" for usage.');
      expect(rest).toEqual([]);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    },
  );

  it('never prints a stack trace for a user mistake', () => {
    for (const args of [
      ['inspect', '--nope'],
      ['who'],
      ['replay'],
      ['policy', 'check', '/nonexistent.json'],
      ['backfill', '--days', '91'],
      ['drain', '--max', 'x'],
      ['nonsense'],
    ]) {
      const result = runCli(args);
      expect(result.status === 1 || result.status === 2).toBe(true);
      expect(result.stderr).not.toMatch(/\n\s+at |Error:/);
    }
  });

  it('says in one line why DynamoDB refused a table name, not "unexpected error"', () => {
    const result = runCli([
      'who',
      'i-0a1b2c3d4e5f60001',
      '--endpoint-url',
      dynamoEndpoint(),
      '--table',
      't1',
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^ec2trail who: AWS refused the request: .*table\/index name/i);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
