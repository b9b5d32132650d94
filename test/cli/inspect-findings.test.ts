/**
 * `ec2trail inspect --findings`: the Security Hub findings a deploy with `securityHub` would
 * import, printed offline. Hand count from the fixture: root launches 3 p5.48xlarge
 * instances, which breaks rootUser and instanceType (deny p5.*): 6 findings, one per instance
 * and rule. A start by a SAML user breaks neither rule: no finding.
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonLines, runInProcess } from '../helpers/cli';
import { FIXTURES } from '../helpers/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'ec2trail-findings-'));
const policy = join(dir, 'policy.json');
writeFileSync(policy, JSON.stringify({ rules: { rootUser: {}, instanceType: { deny: ['p5.*'] } } }));
const launch = join(FIXTURES, 'events/runinstances-root-console.json');
const start = join(FIXTURES, 'events/startinstances-samluser.json');

describe('ec2trail inspect --findings', () => {
  it("prints one ASFF finding per instance and rule, in the event's own account by default", async () => {
    const result = await runInProcess(['inspect', '--findings', '--policy', policy, launch, start]);
    expect(result.status).toBe(0);
    const findings = jsonLines(result.stdout);
    expect(findings).toHaveLength(6);
    expect(new Set(findings.map((f) => f.Id)).size).toBe(6);
    expect(new Set(findings.map((f) => f.AwsAccountId))).toEqual(new Set(['111122223333']));
    expect(new Set(findings.map((f) => f.ProductArn))).toEqual(
      new Set(['arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default']),
    );
    expect(findings.map((f) => f.GeneratorId).sort()).toEqual([
      ...Array(3).fill('ec2trail/instanceType'),
      ...Array(3).fill('ec2trail/rootUser'),
    ]);
  });

  it("imports into the deploy's account with --product-arn", async () => {
    const arn = 'arn:aws:securityhub:eu-west-1:999988887777:product/999988887777/default';
    const result = await runInProcess([
      'inspect',
      '--findings',
      '--product-arn',
      arn,
      '--policy',
      policy,
      launch,
    ]);
    expect(result.status).toBe(0);
    const findings = jsonLines(result.stdout);
    expect(findings).toHaveLength(6);
    expect(new Set(findings.map((f) => `${f.AwsAccountId} ${f.ProductArn}`))).toEqual(
      new Set([`999988887777 ${arn}`]),
    );
  });

  it.each([
    [['--findings', '--json'], '--findings prints findings, not records'],
    [['--findings', '--output', 'csv'], '--findings prints findings, not records'],
    [
      ['--product-arn', 'arn:aws:securityhub:eu-west-1:999988887777:product/999988887777/default'],
      '--product-arn is for --findings',
    ],
    [
      [
        '--findings',
        '--product-arn',
        'arn:aws:securityhub:eu-west-1::product/crowdstrike/crowdstrike-falcon',
      ],
      "is not an account's default product ARN",
    ],
  ])('refuses %j with one line and exit 2', async (flags, message) => {
    const result = await runInProcess(['inspect', ...flags, '--policy', policy, launch]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });
});
