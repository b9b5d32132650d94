import { recordLines } from '../../cli/record-json';
import { compilePolicy, evaluate, personProof } from '../../lambda/domain';
import { DEFAULT_OWNER_TAGS, ownerTagsPerInstance } from '../../lambda/domain/owner-tags';
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
    const expected = records
      .map((r) => `${JSON.stringify({ ...r, violations, nameProof: personProof(r.actor) })}\n`)
      .join('');
    expect(recordLines(records, violations)).toBe(expected);
  });

  it('adds ownerTags after the verdict, only to the records that have them', () => {
    const records = recordsOf('events/runinstances-root-console.json');
    const view = ownerTagsPerInstance(records, { tags: DEFAULT_OWNER_TAGS, overwrite: false });
    expect(view.size).toBe(records.length);
    const expected = records
      .map(
        (r) =>
          `${JSON.stringify({ ...r, violations: [], nameProof: personProof(r.actor), ownerTags: view.get(r.instanceId ?? '') })}\n`,
      )
      .join('');
    expect(recordLines(records, [], view)).toBe(expected);
    const stop = recordsOf('events/stopinstances-assumedrole-sourceidentity.json');
    expect(recordLines(stop, [], view)).toBe(
      stop
        .map((r) => `${JSON.stringify({ ...r, violations: [], nameProof: personProof(r.actor) })}\n`)
        .join(''),
    );
  });
});
