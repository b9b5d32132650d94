import { adviceOf, compilePolicy, evaluate, renderAlert, SMS_MAX } from '../../lambda/domain';
import { DEFAULT_ADVICE } from '../../lambda/domain/policy/advice';
import { parsePolicy } from '../../lambda/domain/policy/load';
import { RULE_IDS } from '../../lambda/domain/policy/schema';
import { DEFAULT_POLICY_FILE, readPolicyFile } from '../../lib/policy-file';
import { recordsOf } from '../helpers/fixtures';

const POLICY = compilePolicy(readPolicyFile(DEFAULT_POLICY_FILE));

// GSM 03.38, written out here from the standard's tables as the oracle (not from the code under test).
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '\f^{}\\[~]|€';

/** Septets the text takes in GSM-7; fails on a character GSM-7 cannot carry (which would force UCS-2, 70 characters). */
function gsm7Septets(text: string): number {
  let septets = 0;
  for (const c of text) {
    if (GSM7_BASIC.includes(c)) septets += 1;
    else if (GSM7_EXTENSION.includes(c)) septets += 2;
    else throw new Error(`"${c}" (U+${c.codePointAt(0)?.toString(16)}) is not a GSM-7 character`);
  }
  return septets;
}

function alertFor(fixture: string) {
  const records = recordsOf(fixture);
  const violations = evaluate(records, POLICY, {});
  return renderAlert(records, violations);
}

const REPRESENTATIVE = [
  'events/runinstances-root-console.json',
  'events/runinstances-sso-terraform.json',
  'events/runinstances-unauthorized-federated.json',
];

describe('alert messages', () => {
  it.each(REPRESENTATIVE)('renders the email for %s', (fixture) => {
    const alert = alertFor(fixture);
    expect(`Subject: ${alert.subject}\n\n${alert.email}`).toMatchSnapshot();
  });

  it.each(REPRESENTATIVE)('renders an SMS of at most 160 GSM-7 septets for %s', (fixture) => {
    const { sms } = alertFor(fixture);
    expect(gsm7Septets(sms)).toBeLessThanOrEqual(SMS_MAX);
    expect(sms).toMatchSnapshot();
  });

  it('keeps an SMS within GSM-7 whatever the caller is called, counting extension characters twice', () => {
    const records = recordsOf('events/runinstances-root-console.json').map((r) => ({
      ...r,
      actor: { ...r.actor, name: `Zoë “Ωmega” Ő 🚀 {ops}|[team]~€^\\${'€'.repeat(90)}` },
    }));
    const { sms } = renderAlert(records, evaluate(records, POLICY, {}));
    const septets = gsm7Septets(sms);
    expect(septets).toBeLessThanOrEqual(SMS_MAX);
    // The euro signs are kept, and each costs two septets: the text is cut by septets, not characters.
    expect(sms).toContain('€€€');
    expect(septets).toBeGreaterThan(sms.length);
  });

  it('names the trail and the person who stopped its logging', () => {
    const alert = alertFor('events/stoplogging-sso.json');
    expect(alert.subject).toBe(
      '[CRITICAL] mallory@example.com stopped logging on trail org-trail in eu-west-1',
    );
    expect(alert.email).toContain(
      '  Trail:          arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail',
    );
    expect(alertFor('events/deletetrail-denied.json').subject).toBe(
      '[CRITICAL] mallory@example.com tried to DeleteTrail org-trail in eu-west-1 (AccessDenied)',
    );
  });

  it('keeps the subject on one line and under 100 characters', () => {
    const records = recordsOf('events/runinstances-root-console.json').map((r) => ({
      ...r,
      actor: { ...r.actor, name: `a-very-long-session-name-\n${'x'.repeat(120)}` },
    }));
    const { subject } = renderAlert(records, evaluate(records, POLICY, {}));
    expect(subject.length).toBeLessThan(100);
    expect(subject).not.toMatch(/[\n\r]/);
    expect(subject.endsWith('…')).toBe(true);
  });

  it('gives subscribers the machine-readable record and violations', () => {
    const alert = alertFor('events/runinstances-root-console.json');
    const body = JSON.parse(alert.json);
    expect(body).toMatchObject({
      source: 'ec2trail',
      severity: 'critical',
      summary: 'root launched 3 × p5.48xlarge in us-east-1',
      instanceIds: ['i-0b1b2c3d4e5f60001', 'i-0b1b2c3d4e5f60002', 'i-0b1b2c3d4e5f60003'],
      record: { eventId: '11111111-aaaa-4bbb-8ccc-000000000002', actor: { type: 'Root' } },
    });
    expect(body.violations.map((v: { rule: string }) => v.rule)).toEqual([
      'rootUser',
      'instanceType',
      'requiredTags',
      'imdsv2Required',
      'unencryptedVolumesForbidden',
      'consoleWithoutMfa',
      'publicIpForbidden',
    ]);
  });

  it('fits the most severe rules into the SMS and counts the rest', () => {
    expect(alertFor('events/runinstances-root-console.json').sms).toBe(
      'ec2trail CRITICAL: root launched 3 x p5.48xlarge in us-east-1 acct 111122223333. Rules: rootUser, instanceType, requiredTags, imdsv2Required +3',
    );
  });

  it('links the first 20 instances and counts the rest, in the singular for one', () => {
    const [first] = recordsOf('events/runinstances-root-console.json');
    if (!first) throw new Error('fixture');
    const launchOf = (count: number) =>
      Array.from({ length: count }, (_, i) => ({ ...first, instanceId: `i-${String(i).padStart(17, '0')}` }));
    const lines = (count: number) => {
      const records = launchOf(count);
      return renderAlert(records, evaluate(records, POLICY, {})).email.split('\n');
    };
    const linked = (count: number) => lines(count).filter((l) => l.startsWith('  Instance i-')).length;
    expect(linked(21)).toBe(20);
    expect(lines(21)).toContain('  …and 1 more instance');
    expect(lines(22)).toContain('  …and 2 more instances');
    expect(lines(20).some((l) => l.includes('more instance'))).toBe(false);
  });

  it('stays under the SNS size limit for a launch of many instances with huge fields', () => {
    const [first] = recordsOf('events/runinstances-root-console.json');
    if (!first) throw new Error('fixture');
    const many = Array.from({ length: 500 }, (_, i) => ({
      ...first,
      instanceId: `i-${String(i).padStart(17, '0')}`,
      errorMessage: 'x'.repeat(2000),
    }));
    const alert = renderAlert(many, evaluate(many, POLICY, {}));
    expect(
      Buffer.byteLength(JSON.stringify({ default: alert.json, email: alert.email, sms: alert.sms })),
    ).toBeLessThan(256 * 1024);
  });
});

describe('what to do about each broken rule', () => {
  const records = recordsOf('events/runinstances-root-console.json');

  function section(email: string): string[] {
    const lines = email.split('\n');
    const start = lines.indexOf('What to do');
    const end = lines.indexOf('', start);
    return lines.slice(start + 1, end);
  }

  it('shows the policy’s own advice for a rule and the default for the others', () => {
    const policy = compilePolicy(
      parsePolicy(
        {
          rules: {
            rootUser: { advice: 'Page the cloud team on #cloud-oncall, then rotate the root password.' },
            requiredTags: { tags: { CostCenter: null } },
          },
        },
        'test.yaml',
      ),
    );
    const violations = evaluate(records, policy, {});
    expect(violations.map((v) => v.rule).sort()).toEqual(['requiredTags', 'rootUser']);
    const alert = renderAlert(records, violations, { advice: adviceOf(policy) });
    expect(section(alert.email)).toEqual([
      '  rootUser: Page the cloud team on #cloud-oncall, then rotate the root password.',
      `  requiredTags: ${DEFAULT_ADVICE.requiredTags}`,
    ]);
    expect(JSON.parse(alert.json).advice).toEqual({
      rootUser: 'Page the cloud team on #cloud-oncall, then rotate the root password.',
      requiredTags: DEFAULT_ADVICE.requiredTags,
    });
  });

  it('names each rule once, even when it is broken twice', () => {
    const violations = [
      { rule: 'requiredTags' as const, severity: 'warning' as const, message: 'missing Owner' },
      { rule: 'requiredTags' as const, severity: 'warning' as const, message: 'missing CostCenter' },
    ];
    expect(section(renderAlert(records, violations).email)).toEqual([
      `  requiredTags: ${DEFAULT_ADVICE.requiredTags}`,
    ]);
  });

  it('keeps advice from the policy on one line', () => {
    const policy = compilePolicy(
      parsePolicy({ rules: { rootUser: { advice: 'Stop.\nSummary: forged' } } }, 'test.yaml'),
    );
    const alert = renderAlert(records, evaluate(records, policy, {}), { advice: adviceOf(policy) });
    expect(alert.email.split('\n').filter((line) => line.startsWith('Summary:'))).toHaveLength(1);
  });

  it('refuses empty advice in the policy file', () => {
    expect(() => parsePolicy({ rules: { rootUser: { advice: '   ' } } }, 'test.yaml')).toThrow(/advice/);
  });

  it('has a default for every rule the schema knows', () => {
    for (const id of RULE_IDS) expect(DEFAULT_ADVICE[id]?.length ?? 0).toBeGreaterThan(20);
  });
});
