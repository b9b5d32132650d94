/**
 * cdk.json sets every feature flag aws-cdk-lib currently recommends, so `cdk synth` has nothing
 * to warn about and an upgrade that adds a flag fails here until the flag is decided.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { ROOT } from '../helpers/cli';

describe('cdk.json feature flags', () => {
  const context = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;

  it.each(Object.entries(CURRENTLY_RECOMMENDED_FLAGS))('sets %s to the recommended value', (flag, value) => {
    expect(context[flag]).toEqual(value);
  });
});
