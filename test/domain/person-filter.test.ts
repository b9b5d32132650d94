/**
 * The filter policy of a person's subscription, pure. Expected values are written by hand from
 * SNS's filter policy syntax (exact values, `prefix`, `$or`) and its limit of 150 combinations.
 */

import { filterCombinations, personFilterPolicy, personNames } from '../../lambda/domain/person-filter';

const JANE = { email: 'Jane.Doe@example.com', names: ['JDoe', 'jdoe'], arnPrefixes: [] };

describe('personFilterPolicy', () => {
  it('matches names only when there is no ARN prefix, lower-cased and without repeats', () => {
    expect(personNames(JANE, { sessionNameIsEmail: true, minSeverity: 'warning' })).toEqual([
      'jdoe',
      'jane.doe@example.com',
    ]);
    expect(personFilterPolicy(JANE, { sessionNameIsEmail: true, minSeverity: 'warning' })).toEqual({
      kind: ['alert'],
      severity: ['warning', 'critical'],
      person: ['jdoe', 'jane.doe@example.com'],
    });
  });

  it('leaves the email out of the names when session names are not emails', () => {
    expect(personNames(JANE, { sessionNameIsEmail: false, minSeverity: 'info' })).toEqual(['jdoe']);
    expect(personFilterPolicy(JANE, { sessionNameIsEmail: false, minSeverity: 'info' }).severity).toEqual([
      'info',
      'warning',
      'critical',
    ]);
  });

  it('matches ARN prefixes alone, or either with $or', () => {
    const arnOnly = { email: 'a@example.com', names: [], arnPrefixes: ['arn:aws:iam::111122223333:user/a'] };
    expect(personFilterPolicy(arnOnly, { sessionNameIsEmail: false, minSeverity: 'critical' })).toEqual({
      kind: ['alert'],
      severity: ['critical'],
      personArn: [{ prefix: 'arn:aws:iam::111122223333:user/a' }],
    });
    expect(personFilterPolicy(arnOnly, { sessionNameIsEmail: true, minSeverity: 'critical' })).toEqual({
      kind: ['alert'],
      severity: ['critical'],
      $or: [{ person: ['a@example.com'] }, { personArn: [{ prefix: 'arn:aws:iam::111122223333:user/a' }] }],
    });
  });

  it('counts combinations as severities times names and prefixes', () => {
    const contact = {
      email: 'a@example.com',
      names: ['x', 'y'],
      arnPrefixes: ['arn:aws:iam::111122223333:user/a'],
    };
    // (x, y, a@example.com, one prefix) = 4 matches.
    expect(filterCombinations(contact, { sessionNameIsEmail: true, minSeverity: 'info' })).toBe(12);
    expect(filterCombinations(contact, { sessionNameIsEmail: true, minSeverity: 'warning' })).toBe(8);
    expect(filterCombinations(contact, { sessionNameIsEmail: false, minSeverity: 'critical' })).toBe(3);
  });
});
