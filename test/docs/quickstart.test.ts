/**
 * The README's quickstart, word for word, as a newcomer runs it: each command of its block, in
 * a fresh folder holding the example trail, through bash, with `npx ec2trail` standing for this
 * checkout's CLI. Each must succeed and print rows, whatever today's date (the windows name the
 * example's March 2026). The counts come from a hand count of examples/AWSLogs (see
 * test/cli/digest.int.test.ts): 14 records, 5 rows for i-0a1b2c3d4e5f60001, one refused call.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli';

const ENTRY = join(ROOT, 'bin', 'ec2trail.mjs');

function quickstart(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- commands: quickstart -->\n```sh\n([\s\S]*?)\n```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no quickstart block');
  return block.split('\n').filter((line) => line.trim() !== '');
}

describe('the README quickstart', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'ec2trail-quickstart-'));
  symlinkSync(join(ROOT, 'examples'), join(cwd, 'examples'));
  const commands = quickstart();
  const ran = new Map<string, { status: number | null; stdout: string; stderr: string }>();

  beforeAll(() => {
    for (const command of commands) {
      const result = spawnSync(
        'bash',
        [
          '-c',
          `npx() { [ "$1" = ec2trail ] || return 127; shift; "${process.execPath}" "${ENTRY}" "$@"; }\n${command}`,
        ],
        { cwd, encoding: 'utf8', env: { ...process.env, COLUMNS: '', EC2TRAIL_LOCAL_IDLE_MINUTES: '1' } },
      );
      ran.set(command.split('#')[0]?.trim() ?? command, result);
    }
  }, 300_000);
  afterAll(() => {
    execFileSync(process.execPath, [ENTRY, 'local', 'stop'], { cwd });
  });

  function output(start: string) {
    const found = [...ran].find(([command]) => command.startsWith(start));
    if (!found) throw new Error(`the quickstart no longer shows "${start}"`);
    const [command, result] = found;
    expect({ command, status: result.status, stderr: result.status === 0 ? '' : result.stderr }).toEqual({
      command,
      status: 0,
      stderr: '',
    });
    return result;
  }

  it('shows six commands', () => {
    expect(commands).toHaveLength(6);
  });

  it('replays the example trail into .ec2trail/', () => {
    expect(output('npx ec2trail replay').stderr).toMatch(/, 14 records written, /);
  });

  it('answers who launched an instance, and everything since', () => {
    const rows = JSON.parse(output('npx ec2trail who').stdout) as { action: string }[];
    expect(rows.map((r) => r.action)).toEqual(['terminate', 'connect', 'start', 'stop', 'launch']);
  });

  it('lists the refused call of March', () => {
    const rows = JSON.parse(output('npx ec2trail recent').stdout) as {
      outcome: string;
      actor: { name: string };
    }[];
    expect(rows.map((r) => [r.outcome, r.actor.name])).toEqual([['failed', 'contractor-bob']]);
  });

  it('sums up March: four launch calls, seven instances', () => {
    const text = output('npx ec2trail digest').stdout;
    expect(text).toMatch(/7 instances launched in 4 calls, /);
  });

  it('writes the HTML report', () => {
    output('npx ec2trail report');
    expect(existsSync(join(cwd, 'march.html'))).toBe(true);
    expect(statSync(join(cwd, 'march.html')).size).toBeGreaterThan(5_000);
  });

  it('says what keeps running', () => {
    expect(output('npx ec2trail local status').stdout).toMatch(/^endpoint: {3}http:\/\/127\.0\.0\.1:\d+\n/);
  });
});
