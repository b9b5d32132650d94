import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyOverrides, ConfigError, parseConfig } from '../../lib/config';
import { ROOT } from '../helpers/cli';

function problems(raw: unknown): readonly string[] {
  try {
    parseConfig(raw, 'test');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('deploy configuration', () => {
  it('fills sensible defaults', () => {
    expect(parseConfig({}, 'test')).toEqual({
      stackName: 'Ec2Trail',
      actions: ['launch', 'start', 'stop', 'terminate', 'reboot', 'connect'],
      watchTrail: true,
      alertEmails: [],
      alertPhones: [],
      smsMinSeverity: 'critical',
      emailMinSeverity: 'warning',
      logRetentionDays: 90,
      violationEvents: true,
      securityHub: false,
      tags: {},
    });
  });

  it.each([
    [{ alertEmails: ['not-an-email'] }, 'alertEmails[0]: "not-an-email" is not an email address'],
    [
      { alertPhones: ['5551234567'] },
      'alertPhones[0]: "5551234567" is not an E.164 phone number like +15551234567',
    ],
    [
      { actions: ['launch', 'stop', 'terminate', 'explode'] },
      'actions[3]: unknown action "explode" (expected one of launch, start, stop, terminate, reboot, connect)',
    ],
    [
      { actions: ['launch', 'start'] },
      'actions: must include launch, stop, terminate: they can never be switched off',
    ],
    [{ region: 'eu-west-9' }, 'region: unknown AWS region "eu-west-9" (did you mean eu-west-1?)'],
    [{ region: 'mars-north-1' }, 'region: unknown AWS region "mars-north-1"'],
    [{ account: '1234' }, 'account: must be a 12-digit AWS account id'],
    [{ retentionDays: 0 }, 'retentionDays: Too small: expected number to be >=1'],
    [
      { logRetentionDays: 8 },
      'logRetentionDays: must be a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, …)',
    ],
    [{ alertEmail: 'typo@example.com' }, 'unknown field: alertEmail (did you mean alertEmails?)'],
    [{ region: 'eu-wset-1' }, 'region: unknown AWS region "eu-wset-1" (did you mean eu-west-1?)'],
    [
      { tags: { 'aws:owner': 'me' } },
      'tags.aws:owner: tag key "aws:owner" must be 1–128 letters, digits, spaces or _.:/=+-@, not starting with aws:',
    ],
  ])('rejects %j naming the field', (raw, message) => {
    expect(problems(raw)).toEqual([message]);
  });

  it('reports every problem at once', () => {
    expect(problems({ alertEmails: ['x'], alertPhones: ['y'], region: 'mars-1' })).toHaveLength(3);
  });

  it('applies comma-separated context overrides over the file', () => {
    const raw = applyOverrides(
      { alertEmails: ['file@example.com'], retentionDays: 30 },
      { alertEmails: 'a@x.com, b@y.com', alertPhones: '+15551234567', retentionDays: '365' },
    );
    expect(parseConfig(raw, 'test')).toMatchObject({
      alertEmails: ['a@x.com', 'b@y.com'],
      alertPhones: ['+15551234567'],
      retentionDays: 365,
    });
  });
});

describe('cdk synth with a bad configuration', () => {
  function synth(context: object, configFile?: string) {
    const outdir = mkdtempSync(join(tmpdir(), 'ec2trail-synth-'));
    return spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bin', 'app.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify({ ...context, ...(configFile ? { config: configFile } : {}) }),
      },
      timeout: 120_000,
    });
  }

  it('fails with one clear message and no stack trace', () => {
    const result = synth({ alertEmails: 'ops@example.com,nope', alertPhones: '555' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid ec2trail configuration');
    expect(result.stderr).toContain('alertEmails[1]: "nope" is not an email address');
    expect(result.stderr).toContain('alertPhones[0]: "555" is not an E.164 phone number like +15551234567');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a misspelt -c key, naming the closest one', () => {
    const result = synth({ alertEmail: 'ops@example.com' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('unknown config key "alertEmail" (did you mean alertEmails?)');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('names a config file that is not valid JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ec2trail-config-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{ "alertEmails": [ }');
    const result = synth({}, file);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`Invalid ec2trail configuration \\(${file}\\):\\n  - not valid JSON`),
    );
  });

  it('names the -c key of a bad -c value, not a config file that does not exist', () => {
    const result = synth({ retentionDays: 'abc' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^Invalid ec2trail configuration \(-c values and defaults\):\n {2}- -c retentionDays: /,
    );
    expect(result.stderr).not.toContain('ec2trail.config.json');
  });

  it('names the file and the field of a mistake in the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ec2trail-config-'));
    const file = join(dir, 'team.json');
    writeFileSync(file, '{ "retentionDays": "a year" }');
    const result = synth({ alertEmails: 'ops@example.com' }, file);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`^Invalid ec2trail configuration \\(${file}\\):\\n {2}- retentionDays: `),
    );
  });

  it('says in one line which Node.js it needs, before any synth', () => {
    const old = join(mkdtempSync(join(tmpdir(), 'ec2trail-node20-')), 'as-node-20.cjs');
    writeFileSync(old, "Object.defineProperty(process.versions, 'node', { value: '20.11.1' });\n");
    const result = spawnSync(
      process.execPath,
      ['--require', old, '--import', 'tsx', join(ROOT, 'bin', 'app.ts')],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'ec2trail-synth-')) },
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'cdk synth (ec2trail) needs Node.js 22 or later (Lambda runs 24); this is Node.js 20.11.1. Install 22 or 24 (nvm install 24, or your package manager) and run it again.\n',
    );
  });
});
