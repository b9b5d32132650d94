/** The profile settings ec2trail follows as the AWS CLI does: region, output, and a missing profile. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { profileSettings } from '../../cli/aws-config-file';
import { outputFormat } from '../../cli/rows-output';
import { runCli } from '../helpers/cli';

function files(config: string, credentials = ''): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'ec2trail-aws-'));
  writeFileSync(join(dir, 'config'), config);
  writeFileSync(join(dir, 'credentials'), credentials);
  return { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
}

const CONFIG = [
  '[default]',
  'region = us-east-1',
  '',
  '[profile dev]',
  'region = eu-west-1',
  'output = text',
  's3 =',
  '  max_concurrent_requests = 20',
  '',
  '# a comment',
  '[profile ci]',
  'output=yaml',
].join('\n');

describe('AWS CLI profile settings', () => {
  it('reads the named profile, AWS_PROFILE, then default', () => {
    const env = files(CONFIG);
    expect(profileSettings('dev', env)).toEqual({ name: 'dev', region: 'eu-west-1', output: 'text' });
    expect(profileSettings(undefined, { ...env, AWS_PROFILE: 'dev' })).toMatchObject({ region: 'eu-west-1' });
    expect(profileSettings(undefined, env)).toEqual({ name: 'default', region: 'us-east-1' });
  });

  it('knows a profile that lives only in the credentials file', () => {
    const env = files(CONFIG, '[ops]\naws_access_key_id = AKIAEXAMPLE\n');
    expect(profileSettings('ops', env)).toEqual({ name: 'ops' });
  });

  it("refuses a missing profile in the AWS CLI's words", () => {
    expect(() => profileSettings('nosuch', files(CONFIG))).toThrow(
      'The config profile (nosuch) could not be found',
    );
  });

  it('picks the output as the AWS CLI does: flag, AWS_DEFAULT_OUTPUT, profile, then the default', () => {
    expect(outputFormat('csv', true, { env: { AWS_DEFAULT_OUTPUT: 'text' }, profileOutput: 'json' })).toBe(
      'csv',
    );
    expect(
      outputFormat(undefined, true, { env: { AWS_DEFAULT_OUTPUT: 'text' }, profileOutput: 'json' }),
    ).toBe('text');
    expect(outputFormat(undefined, true, { env: {}, profileOutput: 'json' })).toBe('json');
    expect(outputFormat(undefined, true, { env: {} })).toBe('table');
    expect(outputFormat(undefined, false, { env: {} })).toBe('json');
    const warnings: string[] = [];
    expect(
      outputFormat(undefined, false, { env: {}, profileOutput: 'yaml', warn: (l) => warnings.push(l) }),
    ).toBe('json');
    expect(warnings).toEqual([
      `ec2trail: output "yaml" (from the profile's output setting) is not one of table, json, csv, text; using json`,
    ]);
  });

  it('names a missing --profile in one line from the real CLI', () => {
    const result = runCli(['who', 'i-0a1b2c3d4e5f60001', '--profile', 'nosuch'], { env: files(CONFIG) });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('ec2trail who: The config profile (nosuch) could not be found\n');
  });
});
