import { recordLines } from '../../cli/record-json';
import { compilePolicy, evaluate } from '../../lambda/domain';
import { DEFAULT_POLICY_FILE, readPolicyFile } from '../../lib/policy-file';
import { recordsOf } from '../helpers/fixtures';

describe('recordLines', () => {
  it.each([
    'events/runinstances-root-console.json',
    'events/runinstances-unauthorized-federated.json',
    'events/stoplogging-sso.json',
    'damaged/garbled-fields.json',
  ])('writes exactly what JSON.stringify would for %s', (fixture) => {
    const records = recordsOf(fixture);
    const violations = evaluate(records, compilePolicy(readPolicyFile(DEFAULT_POLICY_FILE)), {});
    const expected = records.map((r) => `${JSON.stringify({ ...r, violations })}\n`).join('');
    expect(recordLines(records, violations)).toBe(expected);
  });
});
