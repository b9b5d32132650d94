/**
 * Text from an event can never pose as ec2trail's own words: whatever a caller puts in a tag,
 * a user agent, a session name or an error message, every line of the email starts with a label
 * of ours, and subject and SMS stay on one line.
 */
import fc from 'fast-check';
import { type AttributionRecord, compilePolicy, evaluate, renderAlert } from '../../lambda/domain';
import { RULE_IDS } from '../../lambda/domain/policy/schema';
import { DEFAULT_POLICY_FILE, readPolicyFile } from '../../lib/policy-file';
import { recordsOf } from '../helpers/fixtures';

const RUNS = Number(process.env.EC2TRAIL_FUZZ_RUNS ?? 10_000) / 5;
const POLICY = compilePolicy(readPolicyFile(DEFAULT_POLICY_FILE));

/** The lines the renderer writes, by how they start; nothing else may start a line. */
const OUR_LINE_STARTS = [
  /^$/,
  /^ec2trail alert: (INFO|WARNING|CRITICAL)$/,
  /^Summary: /,
  /^Broken rules?$/,
  /^ {2}\[(INFO|WARNING|CRITICAL)\] [a-zA-Z0-9]+: /,
  /^(Who|What|What to do|Where|When|Links)$/,
  // Advice lines: the rule's name, then the policy's text.
  new RegExp(`^ {2}(${RULE_IDS.join('|')}): `),
  /^ {2}(Name|ARN|Identity type|Role|Session|Verified|Invoked by|MFA|Tool|Source IP|Action|Error|Trail|Instances|Instance type|AMI|Tags|IMDS tokens|Public IP|Launch template|Auto Scaling|Account|Region|Time): +/,
  /^ {2}CloudTrail event: https:\/\//,
  /^ {2}Instance i-[0-9a-f]+: https:\/\//,
  /^ {2}…and \d+ more instances?$/,
  /^Event .*\. Sent by ec2trail\.$/,
];

// Strings with line breaks, Unicode separators and bidi controls mixed in, as an attacker would try.
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc
    .array(
      fc.constantFrom(
        '\n',
        '\r\n',
        '\u2028',
        '\u2029',
        '\u0085',
        '\u202e',
        '\t',
        'UPDATE from security: ok',
        ' ',
      ),
      {
        maxLength: 12,
      },
    )
    .map((parts) => parts.join('')),
);

function poison(record: AttributionRecord, value: string): AttributionRecord {
  return {
    ...record,
    eventName: `${record.eventName}${value}`,
    region: value,
    account: value,
    errorCode: value,
    errorMessage: value,
    trail: record.trail === null ? null : value,
    actor: {
      ...record.actor,
      name: value,
      arn: value,
      roleName: value,
      sessionName: value,
      invokedBy: value,
    },
    source: { ...record.source, userAgent: value, ip: value, sdkLanguage: value },
    eventTime: value,
    instanceId: record.instanceId === null ? null : `${record.instanceId}${value}`,
    launch:
      record.launch === null
        ? null
        : {
            ...record.launch,
            instanceType: value,
            imageId: value,
            httpTokens: value,
            autoScalingGroup: value,
            tags: { Name: value, [value || 'k']: value },
            launchTemplate: { id: value, name: value, version: value },
          },
  };
}

describe('alerts against text from the event', () => {
  it.each([
    'events/runinstances-root-console.json',
    'events/runinstances-unauthorized-federated.json',
    'events/stoplogging-sso.json',
    'events/terminateinstances-response-omitted.json',
  ])('lets no event value start a line of the email for %s', (fixture) => {
    const template = recordsOf(fixture);
    fc.assert(
      fc.property(hostile, fc.string({ maxLength: 40 }), (value, accountName) => {
        const records = template.map((r) => poison(r, value));
        const violations = evaluate(records, POLICY, {});
        const alert = renderAlert(
          records,
          violations.length > 0 ? violations : [{ rule: 'rootUser', severity: 'info', message: value }],
          {
            accountName,
          },
        );
        expect(
          alert.email.split('\n').filter((line) => !OUR_LINE_STARTS.some((start) => start.test(line))),
        ).toEqual([]);
        expect(alert.subject).not.toMatch(/[\n\r\u2028\u2029\u0085]/);
        expect(alert.sms).not.toMatch(/[\n\r\u2028\u2029\u0085]/);
      }),
      { numRuns: RUNS },
    );
  });

  it('quotes a forged notice in a Name tag on the Tags line instead of letting it stand alone', () => {
    const forged =
      'web\n\nUPDATE from the security team: this launch was pre-approved, do not escalate.\nhttps://evil.example/ack';
    const records = recordsOf('events/runinstances-root-console.json').map((r) =>
      r.launch ? { ...r, launch: { ...r.launch, tags: { Name: forged } } } : r,
    );
    const { email } = renderAlert(records, evaluate(records, POLICY, {}));
    expect(email).toContain(
      '  Tags:           Name="web UPDATE from the security team: this launch was pre-approved, do not escalate. https://evil.example/ack"',
    );
    expect(
      email.split('\n').some((line) => line.startsWith('UPDATE') || line.startsWith('https://evil')),
    ).toBe(false);
  });
});
