/** The command line behaves like the AWS CLI's: ec2trail's own words for every argument mistake. */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTimeArg } from '../../cli/time-arg';
import { ROOT, runCli } from '../helpers/cli';
import { itIf } from '../helpers/requires';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('the program', () => {
  it('prints help and exits 0 when run bare', () => {
    const result = runCli([]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^ec2trail: who launched/);
    expect(result.stdout).toContain('  who       who launched an instance');
  });

  it.each([['--version'], ['-V']])('prints the package version for %s', (flag) => {
    expect(runCli([flag])).toMatchObject({ status: 0, stdout: `ec2trail ${VERSION}\n` });
  });

  it('prints the same help for "help who" and "who --help"', () => {
    const a = runCli(['help', 'who']);
    const b = runCli(['who', '--help']);
    expect(a.status).toBe(0);
    expect(a.stdout).toMatch(/^Usage: ec2trail who /);
    expect(a.stdout).toBe(b.stdout);
  });

  it('names the closest command for a typo', () => {
    expect(runCli(['whoo'])).toMatchObject({
      status: 2,
      stderr: 'ec2trail: unknown command "whoo" (did you mean who?). Run "ec2trail --help" for the list.\n',
    });
  });

  it('takes --debug anywhere, as the AWS CLI does', () => {
    const result = runCli(['inspect', '--debug', '--json', join(ROOT, 'examples', 'eventbridge')]);
    expect(result.status).toBe(0);
    // The file holds one RunInstances of one instance.
    expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(1);
  });
});

describe('output that cannot be written', () => {
  // /dev/full refuses every write with ENOSPC, as a full disk does.
  const itOnLinux = itIf(existsSync('/dev/full'), 'no /dev/full on this system');
  itOnLinux('a full disk ends the command with one line and exit 1', () => {
    const full = openSync('/dev/full', 'w');
    const result = spawnSync(
      process.execPath,
      [join(ROOT, 'bin', 'ec2trail.mjs'), 'inspect', '--json', join(ROOT, 'examples')],
      {
        stdio: ['ignore', full, 'pipe'],
        encoding: 'utf8',
      },
    );
    closeSync(full);
    expect(result.status).toBe(1);
    expect(result.stderr.split('\n')[0]).toBe('ec2trail: cannot write the output: no space left on device');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a reader that leaves early (| head) is no error', () => {
    const result = spawnSync(
      'sh',
      [
        '-c',
        `"${process.execPath}" "${join(ROOT, 'bin', 'ec2trail.mjs')}" inspect --json "${join(ROOT, 'examples')}" | head -c 1`,
      ],
      {
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(0);
    expect(result.stderr).not.toMatch(/EPIPE|\n\s+at /);
  });
});

describe('argument mistakes', () => {
  it.each([
    [['recent', '--sinse', '7d'], 'unknown option --sinse (did you mean --since?)'],
    [['who', '--outptu', 'json', 'i-0a1b2c3d4e5f60001'], 'unknown option --outptu (did you mean --output?)'],
    [['recent', '--since'], '--since needs a value'],
    [
      ['recent', '--since', '-7d'],
      '--since needs a value, and "-7d" looks like an option (durations count back from now: write 7d); to pass a value that starts with a dash, write --since=-7d',
    ],
    [['recent', '--since=-7d'], '--since "-7d": a duration already counts back from now; write 7d'],
    [['inspect', '--json=yes', 'x'], '--json takes no value (it is a switch)'],
    [['recent', '--since', '500d'], 'the window is longer than 400 days: it is read day by day'],
    [['recent', '--in-region', 'mars'], '--in-region "mars" is not a region code such as eu-west-1'],
  ])('%j is one line of ec2trail words, exit 2', (args, message) => {
    const result = runCli(args);
    expect(result.status).toBe(2);
    const [first, second, ...rest] = result.stderr.split('\n');
    expect(first).toContain(`: ${message}`);
    expect(second).toMatch(/^Run "ec2trail \w+ --help" for usage\.$/);
    expect(rest).toEqual(['']);
    expect(result.stderr).not.toMatch(/ERR_PARSE_ARGS|To specify a positional/);
  });
});

describe('times as people type them', () => {
  const now = Date.parse('2026-03-10T00:00:00Z');
  it.each([
    ['7d', '2026-03-03T00:00:00.000Z'],
    ['36h', '2026-03-08T12:00:00.000Z'],
    ['2026-03-01', '2026-03-01T00:00:00.000Z'],
    ['2026-03-01T12:00', '2026-03-01T12:00:00.000Z'],
    ['2026-03-02 10:00:00', '2026-03-02T10:00:00.000Z'],
    ['2026-03-01T12:00:00+02:00', '2026-03-01T10:00:00.000Z'],
    // `date -u -d @1772323200` prints Sun Mar  1 00:00:00 UTC 2026.
    ['1772323200', '2026-03-01T00:00:00.000Z'],
    ['1772323200000', '2026-03-01T00:00:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(new Date(parseTimeArg('--since', text, now)).toISOString()).toBe(iso);
  });

  it.each(['2026-02-30', 'last tuesday', '2026-03-01 25:00', '12345'])('refuses %s', (text) => {
    expect(() => parseTimeArg('--since', text, now)).toThrow(`--since "${text}" is not a time`);
  });
});

describe('an old Node.js', () => {
  it('gets one line saying which Node the CLI needs, and exit 1', () => {
    const old = join(mkdtempSync(join(tmpdir(), 'ec2trail-node20-')), 'as-node-20.cjs');
    writeFileSync(old, "Object.defineProperty(process.versions, 'node', { value: '20.11.1' });\n");
    const result = spawnSync(
      process.execPath,
      ['--require', old, join(ROOT, 'bin', 'ec2trail.mjs'), 'who', 'i-0a1b2c3d4e5f60001'],
      {
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'ec2trail needs Node.js 22 or later (Lambda runs 24); this is Node.js 20.11.1. Install 22 or 24 (nvm install 24, or your package manager) and run it again.\n',
    );
  });
});
