/** --local: the embedded DynamoDB Local, started on demand with data under .ec2trail/ in the working directory. */
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers/cli';

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

  it('says how to install Java when it is missing', () => {
    const result = runCli(['who', '--local', 'i-0a1b2c3d4e5f60001'], { cwd, env: { PATH: '/nonexistent' } });
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
      cwd,
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
