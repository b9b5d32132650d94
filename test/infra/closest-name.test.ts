import { closestName, didYouMean, editDistance } from '../../lib/closest-name';

describe('closest name', () => {
  it.each([
    // Textbook Levenshtein distances.
    ['kitten', 'sitting', 3],
    ['flaw', 'lawn', 2],
    ['', 'abc', 3],
    ['same', 'same', 0],
    ['Region', 'region', 0],
  ])('edit distance %s → %s is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });

  it('suggests a near name and nothing for a far one', () => {
    const keys = ['alertEmails', 'alertPhones', 'region', 'regions', 'watchTrail'];
    expect(closestName('alertEmail', keys)).toBe('alertEmails');
    expect(closestName('alertphone', keys)).toBe('alertPhones');
    expect(closestName('regoin', keys)).toBe('region');
    expect(closestName('banana', keys)).toBeUndefined();
    expect(didYouMean('watchtrial', keys)).toBe(' (did you mean watchTrail?)');
    expect(didYouMean('zzz', keys)).toBe('');
  });
});
