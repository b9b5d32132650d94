/**
 * replay --alerts, drain and inspect judge events with the policy the deployed function bundles:
 * the policyFile of the deploy config, as `cdk deploy` reads it, and they say which one.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { choosePolicy } from '../../cli/deployed-policy';
import { DEFAULT_POLICY_FILE } from '../../lib/policy-file';
import { ROOT, runCli } from '../helpers/cli';

const EXAMPLES = join(ROOT, 'examples');

function folder(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ec2trail-policy-choice-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('the policy a command judges with', () => {
  it('is the config policyFile, resolved from the working directory as cdk deploy does', () => {
    const cwd = folder({ 'ec2trail.config.json': '{"policyFile": "rules/root.yaml"}' });
    expect(choosePolicy(undefined, undefined, cwd)).toEqual({
      path: join(cwd, 'rules', 'root.yaml'),
      reason: 'policyFile of ec2trail.config.json, the policy cdk deploy bundles',
      fromConfig: true,
    });
  });

  it('is --policy when given, and the default with no config', () => {
    const cwd = folder({ 'ec2trail.config.json': '{"policyFile": "rules/root.yaml"}' });
    expect(choosePolicy('mine.json', undefined, cwd).path).toBe('mine.json');
    expect(choosePolicy(undefined, undefined, folder()).path).toBe(DEFAULT_POLICY_FILE);
    expect(choosePolicy(undefined, undefined, folder({ 'ec2trail.config.json': '{}' })).reason).toBe(
      'the default policy: ec2trail.config.json names no policyFile',
    );
  });

  it('refuses a --config that does not exist or is not JSON', () => {
    expect(() => choosePolicy(undefined, 'nope.json', folder())).toThrow(
      '--config nope.json: the file does not exist',
    );
    expect(() => choosePolicy(undefined, undefined, folder({ 'ec2trail.config.json': '{' }))).toThrow(
      /ec2trail.config.json is not valid JSON/,
    );
  });

  // The examples hold one launch by the root user among three events the default policy flags
  // (the demo's three alerts): a policy of rootUser alone flags exactly one.
  it('replay --alerts uses the config policyFile and names it', () => {
    const withConfig = folder({
      'ec2trail.config.json': '{"policyFile": "root-only.json"}',
      'root-only.json': '{"rules": {"rootUser": {}}}',
    });
    const judged = runCli(['replay', '--local', '--alerts', EXAMPLES], { cwd: withConfig });
    expect(judged.status).toBe(0);
    expect(judged.stderr).toContain(
      'ec2trail: policy root-only.json (policyFile of ec2trail.config.json, the policy cdk deploy bundles)',
    );
    expect(judged.stderr).toMatch(/, 0 errors, 1 alert\n/);

    const byDefault = runCli(['replay', '--local', '--alerts', EXAMPLES], { cwd: folder() });
    expect(byDefault.stderr).toContain(`ec2trail: policy ${DEFAULT_POLICY_FILE} (the default policy:`);
    expect(byDefault.stderr).toMatch(/, 0 errors, 3 alerts\n/);
  });

  it('inspect takes --config like the deploy', () => {
    const cwd = folder({
      'deploy.json': '{"policyFile": "root-only.json"}',
      'root-only.json': '{"rules": {"rootUser": {}}}',
    });
    const result = runCli(['inspect', '--json', '--config', 'deploy.json', EXAMPLES], { cwd });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('ec2trail: policy root-only.json (policyFile of deploy.json');
    const rows = result.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { eventId: string; violations: { rule: string }[] });
    // One row per instance: the root launch of 3 instances is one event, flagged on each row.
    const flagged = rows.filter((row) => row.violations.length > 0);
    expect(new Set(flagged.map((row) => row.eventId)).size).toBe(1);
    expect(flagged.flatMap((row) => row.violations.map((v) => v.rule))).toEqual([
      'rootUser',
      'rootUser',
      'rootUser',
    ]);
  });
});
