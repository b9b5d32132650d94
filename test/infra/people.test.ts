/**
 * People in the template: one email subscription per contact, with the filter policy that
 * matches their own alerts; config mistakes refused with the field named. The 150-combination
 * limit is SNS's (filter policy quotas).
 */

import { ConfigError } from '../../lib/config';
import { synthesize, testConfig } from '../helpers/app';

describe('people in the template', () => {
  it('subscribes each contact by email with the filter that matches their own alerts', () => {
    const { template } = synthesize({
      people: {
        contacts: [
          { email: 'jane.doe@example.com' },
          { email: 'alice@example.com', arnPrefixes: ['arn:aws:iam::111122223333:user/alice'] },
        ],
      },
    });
    const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription'))
      .map((s) => (s as { Properties: Record<string, unknown> }).Properties)
      .filter((s) => s.Protocol === 'email');
    expect(subscriptions.map((s) => [s.Protocol, s.Endpoint, s.FilterPolicyScope, s.FilterPolicy])).toEqual([
      [
        'email',
        'jane.doe@example.com',
        'MessageAttributes',
        { kind: ['alert'], severity: ['warning', 'critical'], person: ['jane.doe@example.com'] },
      ],
      [
        'email',
        'alice@example.com',
        'MessageAttributes',
        {
          kind: ['alert'],
          severity: ['warning', 'critical'],
          $or: [
            { person: ['alice@example.com'] },
            { personArn: [{ prefix: 'arn:aws:iam::111122223333:user/alice' }] },
          ],
        },
      ],
    ]);
  });

  it('refuses contacts nothing would match, repeated emails and filters over the SNS limit', () => {
    const problem = (people: object) => {
      try {
        testConfig({ people });
      } catch (error) {
        if (error instanceof ConfigError) return error.problems.join('\n');
        throw error;
      }
      return '';
    };
    expect(problem({ sessionNameIsEmail: false, contacts: [{ email: 'a@example.com' }] })).toContain(
      'needs names or arnPrefixes when sessionNameIsEmail is off',
    );
    expect(problem({ contacts: [{ email: 'a@example.com' }, { email: 'A@example.com' }] })).toContain(
      'lists an email twice',
    );
    // info, warning and critical × 51 names = 153 combinations.
    const names = Array.from({ length: 50 }, (_, i) => `name${i}`);
    expect(problem({ minSeverity: 'info', contacts: [{ email: 'a@example.com', names }] })).toContain(
      'makes a filter policy of 153 combinations; SNS allows 150',
    );
    expect(problem({ minSeverity: 'warning', contacts: [{ email: 'a@example.com', names }] })).toBe('');
    expect(problem({ contacts: [{ email: 'not-an-email' }] })).toContain(
      '"not-an-email" is not an email address',
    );
  });
});
