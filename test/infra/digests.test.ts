/**
 * Digests in the template: a Scheduler schedule per period in the configured time zone, a
 * function that can only Query the byDay index, BatchGet the alert markers and publish, and
 * subscription filters that let the team's emails and each contact receive their digest.
 * The cron fields follow the EventBridge Scheduler user guide (minutes hours day-of-month month
 * day-of-week year, `?` in one of the two day fields).
 */

import { Match } from 'aws-cdk-lib/assertions';
import { ConfigError } from '../../lib/config';
import { synthesize, testConfig } from '../helpers/app';

type Resource = { Properties: Record<string, unknown> };

describe('digests in the template', () => {
  const { template } = synthesize({
    alertEmails: ['team@example.com'],
    people: { contacts: [{ email: 'jane.doe@example.com' }] },
    digests: { timeZone: 'Europe/Paris', daily: { at: '07:30' }, weekly: { day: 'fri', at: '16:00' } },
  });

  it('schedules a daily and a weekly run in the team’s time zone', () => {
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')) as Resource[];
    expect(
      schedules.map((s) => [
        s.Properties.ScheduleExpression,
        s.Properties.ScheduleExpressionTimezone,
        (s.Properties.Target as { Input: string }).Input,
      ]),
    ).toEqual([
      ['cron(30 7 * * ? *)', 'Europe/Paris', '{"period":"daily"}'],
      ['cron(0 16 ? * FRI *)', 'Europe/Paris', '{"period":"weekly"}'],
    ]);
    for (const s of schedules)
      expect(s.Properties.Target).toMatchObject({
        RetryPolicy: { MaximumRetryAttempts: 3 },
        DeadLetterConfig: { Arn: expect.anything() },
      });
  });

  it('lets the digest function read only the day indexes, rows and alert markers by key, the inventory snapshot and the layout, and publish', () => {
    const policies = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) =>
      id.startsWith('DigestsRole'),
    );
    expect(policies).toHaveLength(1);
    const [, policy] = policies[0] ?? [];
    const statements = (policy as Resource).Properties.PolicyDocument as {
      Statement: { Action: string | string[]; Resource: unknown }[];
    };
    const actions = statements.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:Query',
    ]);
    // GetItem reaches the inventory snapshot's key and the item that says a table move is done, only.
    const snapshot = statements.Statement.find((s) =>
      JSON.stringify(s.Action).includes('dynamodb:GetItem'),
    ) as { Condition?: unknown } | undefined;
    expect(snapshot?.Condition).toEqual({
      'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['inventory#latest', 'ledger#layout'] },
    });
    expect(actions.some((a) => /Put|Update|Delete|Scan|Write/.test(a) && a.startsWith('dynamodb:'))).toBe(
      false,
    );
    const read = statements.Statement.find((s) => JSON.stringify(s.Action).includes('dynamodb:Query'));
    expect(JSON.stringify(read?.Resource)).toContain('/index/byDate');
    // The legacy day index, read while a deployed table is being moved.
    expect(JSON.stringify(read?.Resource)).toContain('/index/byDay');
    expect(JSON.stringify(read?.Resource)).not.toContain('/index/*');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PERSONAL_DIGESTS: 'on' }) },
    });
  });

  it('sends the team’s emails their alerts and the team digest, and each contact theirs', () => {
    const emails = (Object.values(template.findResources('AWS::SNS::Subscription')) as Resource[])
      .map((s) => s.Properties)
      .filter((p) => p.Protocol === 'email');
    const byEndpoint = Object.fromEntries(emails.map((p) => [p.Endpoint, p.FilterPolicy]));
    expect(byEndpoint['team@example.com']).toEqual({
      $or: [{ severity: ['warning', 'critical'] }, { kind: ['digest'], scope: ['team'] }],
    });
    expect(byEndpoint['jane.doe@example.com']).toEqual({
      $or: [
        { kind: ['alert'], severity: ['warning', 'critical'], person: ['jane.doe@example.com'] },
        { kind: ['digest'], scope: ['person'], person: ['jane.doe@example.com'] },
      ],
    });
  });

  it('adds nothing without digests', () => {
    const plain = synthesize({ alertEmails: ['team@example.com'] }).template;
    expect(Object.keys(plain.findResources('AWS::Scheduler::Schedule'))).toEqual([]);
  });

  it('refuses a digest with no period and a time zone that does not exist', () => {
    const problems = (digests: object) => {
      try {
        testConfig({ digests });
      } catch (error) {
        if (error instanceof ConfigError) return error.problems.join('\n');
        throw error;
      }
      return '';
    };
    expect(problems({})).toContain('name daily, weekly or both');
    expect(problems({ daily: {}, timeZone: 'Mars/Olympus' })).toContain('IANA time zone');
    expect(problems({ daily: { at: '25:00' } })).toContain('24-hour time');
  });

  it('counts a contact’s digest in the SNS limit of 150 combinations', () => {
    // 30 names: alerts 3 severities × 30 = 90 alone; with the digest 90 + 30 = 120, still in.
    // 40 names: 120 alone, in; with the digest 120 + 40 = 160, over.
    const contact = (n: number) => ({
      contacts: [{ email: 'a@example.com', names: Array.from({ length: n - 1 }, (_, i) => `name${i}`) }],
      minSeverity: 'info',
    });
    const problem = (people: object, digests: object) => {
      try {
        testConfig({ people, digests });
      } catch (error) {
        if (error instanceof ConfigError) return error.problems.join('\n');
        throw error;
      }
      return '';
    };
    expect(problem(contact(30), { daily: {} })).toBe('');
    expect(problem(contact(40), { daily: {}, people: false })).toBe('');
    expect(problem(contact(40), { daily: {} })).toContain(
      'makes a filter policy of 160 combinations with their digest',
    );
  });
});

describe('digest failures', () => {
  it('alarm when a run lands in the digest dead-letter queue', () => {
    const { template } = synthesize({ digests: { weekly: {} } });
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    const digest = Object.entries(alarms).filter(([id]) => id.includes('DigestDeadLetters'));
    expect(digest).toHaveLength(1);
    const [, only] = digest[0] ?? [];
    expect((only as Resource).Properties.MetricName).toBe('ApproximateNumberOfMessagesVisible');
    expect(
      Object.keys(synthesize({}).template.findResources('AWS::CloudWatch::Alarm')).some((id) =>
        id.includes('Digest'),
      ),
    ).toBe(false);
  });
});
