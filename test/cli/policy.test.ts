import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RULE_IDS } from '../../lambda/domain/policy/schema';
import { readPolicyFile } from '../../lib/policy-file';
import { ROOT, runCli, runInProcess } from '../helpers/cli';

describe('ec2trail policy check', () => {
  it('accepts the shipped default and the annotated example', async () => {
    const result = await runInProcess([
      'policy',
      'check',
      join(ROOT, 'policy', 'default-policy.json'),
      join(ROOT, 'policy', 'example-policy.yaml'),
    ]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/default-policy\.json: valid, 12 rules on \(instanceType, /);
    // The example shows every rule the schema knows (lambda/domain/policy/schema.ts lists 17).
    expect(result.stdout).toMatch(/example-policy\.yaml: valid, 17 rules on/);
  });

  it('has an example that shows every rule the schema has, so starting from it loses none', async () => {
    const example = readPolicyFile(join(ROOT, 'policy', 'example-policy.yaml'));
    expect(Object.keys(example.rules).sort()).toEqual([...RULE_IDS].sort());
    expect(RULE_IDS).toContain('trailTampering');
  });

  it('prints every problem of a bad file, one per line, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ec2trail-policy-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      [
        'rules:',
        '  rootUser: { severity: loud }',
        '  launchHours: { timeZone: Nowhere/Town, from: "25:00", to: "18:00" }',
        '  tagz: {}',
      ].join('\n'),
    );
    const result = await runInProcess(['policy', 'check', file]);
    expect(result.status).toBe(1);
    expect(result.stderr.split('\n')).toEqual([
      `${file}: 4 problems`,
      '  - rules.rootUser.severity: Invalid option: expected one of "info"|"warning"|"critical"',
      '  - rules.launchHours.timeZone: "Nowhere/Town" is not an IANA time zone such as "Europe/Paris"',
      '  - rules.launchHours.from: must be a 24-hour time such as "08:00"',
      '  - rules: unknown field "tagz"',
      '',
    ]);
  });

  it('names a file that is missing or not YAML', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ec2trail-policy-'));
    const broken = join(dir, 'broken.yml');
    writeFileSync(broken, 'rules: [unclosed');
    // A child process: Node's ENOENT comes from outside jest's sandbox, which words it differently.
    const result = runCli(['policy', 'check', join(dir, 'missing.json'), broken]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('missing.json: 1 problem\n  - the file does not exist');
    expect(result.stderr).toMatch(/broken\.yml: 1 problem\n {2}- not valid YAML: /);
  });

  it("refuses owner tags the policy reserves, from the deploy's config, and protection by ec2trail's own marks", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ec2trail-policy-'));
    writeFileSync(
      join(dir, 'policy.json'),
      JSON.stringify({
        rules: { instanceType: { deny: ['p5.*'], remediate: 'stop' } },
        remediation: { mode: 'enforce', protectedTags: { Team: 'sre' } },
      }),
    );
    writeFileSync(
      join(dir, 'ec2trail.config.json'),
      JSON.stringify({ ownerTags: { tags: { 'ec2trail:ack': 'person', Team: 'caller', Owner: 'person' } } }),
    );
    const found = await runInProcess(['policy', 'check', 'policy.json'], { cwd: dir });
    expect(found.status).toBe(1);
    expect(found.stderr.split('\n')).toEqual([
      'policy.json: 2 problems',
      `  - owner tag "ec2trail:ack" starts with "ec2trail:", which is reserved (for ec2trail's own tags: ec2trail:violation, ec2trail:deadline, ec2trail:ack, ec2trail:protected)`,
      '  - owner tag "Team" is a protected tag key of the policy: written on every launch, it would keep remediation from ever acting',
      '',
    ]);
    // Without owner tags in the config the same policy is valid.
    writeFileSync(join(dir, 'other.json'), '{}');
    expect(
      (await runInProcess(['policy', 'check', 'policy.json', '--config', 'other.json'], { cwd: dir })).status,
    ).toBe(0);
    expect(
      (await runInProcess(['policy', 'check', 'policy.json', '--config', 'nope.json'], { cwd: dir })).stderr,
    ).toMatch(/--config nope\.json: the file does not exist/);
    writeFileSync(
      join(dir, 'marks.json'),
      JSON.stringify({ rules: { protectedInstances: { tags: { 'ec2trail:violation': '*' } } } }),
    );
    const marks = await runInProcess(['policy', 'check', 'marks.json', '--config', 'other.json'], {
      cwd: dir,
    });
    expect(marks.stderr).toMatch(
      /rules\.protectedInstances\.tags\.ec2trail:violation: ec2trail:violation is the mark ec2trail itself writes/,
    );
  });

  it('needs a subcommand and a file', async () => {
    expect((await runInProcess(['policy'])).status).toBe(2);
    expect((await runInProcess(['policy', 'check'])).stderr).toMatch(/policy check needs at least one FILE/);
  });
});
