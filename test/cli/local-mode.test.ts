/**
 * --local: the embedded DynamoDB Local, started on demand with data under .ec2trail/ in the
 * working directory, kept warm for the next command, and stopped when idle or asked.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers/cli';

const ENTRY = join(ROOT, 'bin', 'ec2trail.mjs');

/** Processes whose command line names `marker` (a test's own folder). */
function processesNaming(marker: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps.stdout.split('\n').filter((line) => line.includes(marker) && !line.includes('ps -eo'));
}

async function until(check: () => boolean, hangMs = 60_000): Promise<void> {
  const deadline = Date.now() + hangMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${hangMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function supervisorOf(cwd: string): number {
  return (JSON.parse(readFileSync(join(cwd, '.ec2trail', 'server.json'), 'utf8')) as { pid: number }).pid;
}

describe('local mode', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'ec2trail-local-'));

  it('replays into .ec2trail/ and answers who from it in a later command', () => {
    const replay = runCli(['replay', '--local', join(ROOT, 'examples')], { cwd });
    expect(replay.status).toBe(0);
    expect(replay.stderr).toContain(
      `Replayed into the embedded store (${join(cwd, '.ec2trail', 'dynamodb')}): 4 files, 12 events (11 attributed), 15 records written`,
    );
    expect(existsSync(join(cwd, '.ec2trail', 'dynamodb', 'shared-local-instance.db'))).toBe(true);

    const who = runCli(['who', '--local', 'i-0a1b2c3d4e5f60001', '--output', 'json'], { cwd });
    expect(who.status).toBe(0);
    const rows = JSON.parse(who.stdout) as { action: string; actor: { name: string } }[];
    expect(rows.map((r) => `${r.action} by ${r.actor.name}`)).toEqual([
      'terminate by bob',
      'connect by omar.haddad',
      'start by SamlExample',
      'stop by maria.garcia',
      'launch by alice',
    ]);
  });

  it('keeps the store warm: the next command reuses it, and status says where it listens', () => {
    const pid = supervisorOf(cwd);
    expect(runCli(['who', '--local', 'i-0a1b2c3d4e5f60001'], { cwd }).status).toBe(0);
    expect(supervisorOf(cwd)).toBe(pid);
    const status = runCli(['local', 'status'], { cwd });
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(
      /^endpoint: {3}http:\/\/127\.0\.0\.1:\d+\ntable: {6}ec2trail-attribution\n/,
    );
    expect(status.stdout).toContain(`pid:        ${pid} (supervisor)`);
    // One Java for the folder, however many commands ran.
    expect(processesNaming(cwd).filter((l) => l.trim().split(/\s+/)[1] === 'java')).toHaveLength(1);
  });

  it('points the AWS CLI at the store with one eval', () => {
    const env = runCli(['local', 'env'], { cwd });
    expect(env.status).toBe(0);
    const status = runCli(['local', 'status'], { cwd }).stdout;
    const endpoint = /endpoint: +(\S+)/.exec(status)?.[1];
    expect(env.stdout).toBe(
      [
        `export EC2TRAIL_ENDPOINT=${endpoint} AWS_ENDPOINT_URL_DYNAMODB=${endpoint}`,
        'export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local',
        'export TABLE=ec2trail-attribution',
        '',
      ].join('\n'),
    );
  });

  it('replaces a store whose supervisor was killed outright', async () => {
    const before = supervisorOf(cwd);
    process.kill(before, 'SIGKILL');
    // Java goes with it: the watchdog's pipe from the supervisor closed.
    await until(() => processesNaming(join(cwd, '.ec2trail')).length === 0);
    const who = runCli(['who', '--local', 'i-0a1b2c3d4e5f60001', '--output', 'json'], { cwd });
    expect(who.status).toBe(0);
    expect(JSON.parse(who.stdout)).toHaveLength(5);
    expect(supervisorOf(cwd)).not.toBe(before);
  });

  it('replaces a store that hangs', () => {
    const hung = supervisorOf(cwd);
    // A stopped process keeps its port open and answers nothing: the next command must not wait on it.
    process.kill(hung, 'SIGSTOP');
    try {
      const who = runCli(['who', '--local', 'i-0a1b2c3d4e5f60001', '--output', 'json'], { cwd });
      expect(who.status).toBe(0);
      expect(JSON.parse(who.stdout)).toHaveLength(5);
      expect(supervisorOf(cwd)).not.toBe(hung);
      expect(processesNaming(String(hung)).filter((l) => l.trim().startsWith(`${hung} `))).toEqual([]);
      // The hung store's Java went with it: one Java for the folder.
      expect(processesNaming(cwd).filter((l) => l.trim().split(/\s+/)[1] === 'java')).toHaveLength(1);
    } finally {
      try {
        process.kill(hung, 'SIGKILL');
      } catch {
        // Ended by the command, as it should be.
      }
    }
  });

  it('serves two commands started at once from one store', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'ec2trail-local-twice-'));
    runCli(['local', 'stop'], { cwd: fresh });
    const run = () =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [ENTRY, 'who', '--local', 'i-0a1b2c3d4e5f60001'], {
          cwd: fresh,
          stdio: 'ignore',
          env: { ...process.env, EC2TRAIL_LOCAL_IDLE_MINUTES: '1' },
        });
        child.once('exit', resolve);
      });
    try {
      expect(await Promise.all([run(), run()])).toEqual([0, 0]);
      expect(
        processesNaming(fresh).filter((l) => l.includes('DynamoDBLocal.jar') && !l.includes('/bin/sh')),
      ).toHaveLength(1);
    } finally {
      runCli(['local', 'stop'], { cwd: fresh });
    }
  });

  it('stops after its idle time, leaving nothing running', async () => {
    const idle = mkdtempSync(join(tmpdir(), 'ec2trail-local-idle-'));
    const start = runCli(['local', 'start'], { cwd: idle, env: { EC2TRAIL_LOCAL_IDLE_MINUTES: '0.02' } });
    expect(start.status).toBe(0);
    expect(start.stdout).toContain('stops after 0.02 min with no request');
    await until(() => processesNaming(idle).length === 0);
    expect(existsSync(join(idle, '.ec2trail', 'server.json'))).toBe(false);
    expect(runCli(['local', 'status'], { cwd: idle }).status).toBe(1);
  });

  it('stops at "local stop", leaving nothing running, and the data stays', () => {
    runCli(['local', 'start'], { cwd });
    const stop = runCli(['local', 'stop'], { cwd });
    expect(stop.status).toBe(0);
    expect(stop.stdout).toMatch(/^stopped the embedded store of /);
    expect(processesNaming(join(cwd, '.ec2trail'))).toEqual([]);
    expect(existsSync(join(cwd, '.ec2trail', 'dynamodb', 'shared-local-instance.db'))).toBe(true);
    expect(runCli(['local', 'stop'], { cwd }).stdout).toMatch(/^no embedded store runs for /);
  });

  it('refuses an idle time that is not a number of minutes, in one line', () => {
    const result = runCli(['local', 'start'], { cwd, env: { EC2TRAIL_LOCAL_IDLE_MINUTES: 'soon' } });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'ec2trail local: EC2TRAIL_LOCAL_IDLE_MINUTES="soon" is not a number of minutes between 0 and 1440 (e.g. 15 or 0.5)\n',
    );
  });

  it('says how to install Java when it is missing', () => {
    const bare = mkdtempSync(join(tmpdir(), 'ec2trail-nojava-'));
    const result = runCli(['who', '--local', 'i-0a1b2c3d4e5f60001'], {
      cwd: bare,
      env: { PATH: '/nonexistent' },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^ec2trail who: DynamoDB Local needs Java, and no "java" command was found\. Install a Java runtime \(Debian\/Ubuntu: "sudo apt-get install default-jre-headless"/,
    );
  });

  it("quotes Java's own words when DynamoDB Local cannot start, and the Java it needs", () => {
    // A java that fails as an old Java 8 fails on DynamoDB Local's classes.
    const bin = mkdtempSync(join(tmpdir(), 'ec2trail-oldjava-'));
    writeFileSync(
      join(bin, 'java'),
      [
        '#!/bin/sh',
        'echo "Error: LinkageError occurred while loading main class ServerRunner" >&2',
        'echo "java.lang.UnsupportedClassVersionError: class file version 61.0, up to 52.0" >&2',
        'exit 1',
      ].join('\n'),
    );
    chmodSync(join(bin, 'java'), 0o755);
    const result = runCli(['who', '--local', 'i-0a1b2c3d4e5f60001'], {
      cwd: mkdtempSync(join(tmpdir(), 'ec2trail-oldjava-cwd-')),
      env: { PATH: `${bin}:/usr/bin:/bin` },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      [
        'ec2trail who: DynamoDB Local stopped during start-up (exit code 1). Java said:',
        '  Error: LinkageError occurred while loading main class ServerRunner',
        '  java.lang.UnsupportedClassVersionError: class file version 61.0, up to 52.0',
        'DynamoDB Local needs Java 17 or later; "java -version" shows which one runs here.',
        '',
      ].join('\n'),
    );
  });

  it('npm start tours the product: alerts as email and SMS, then who', () => {
    const result = runCli(['demo']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Email subject: [CRITICAL] root launched 3 × p5.48xlarge in us-east-1');
    expect(result.stdout).toContain('SMS (');
    expect(result.stdout).toContain(
      'Email subject: [WARNING] jane.doe@example.com launched m7i.large in eu-west-1',
    );
    expect(result.stdout).toMatch(
      /Replayed: 4 files, 12 events \(11 attributed\), 15 records written, 0 duplicates, 1 skipped, 0 unrecognized, 0 errors, 3 alerts\./,
    );
    expect(result.stdout).toMatch(/\$ ec2trail who i-0a1b2c3d4e5f60001\nTIME\s+ACTION/);
  });
});
