/**
 * Every AWS client the CLI builds is configured by `awsClientConfig`, so `--profile`, `--region`
 * and `--endpoint-url` reach them all: a client built any other way is listed here and fails.
 * The only exceptions are the embedded DynamoDB Local's own client and the one the target
 * builds from a config that `awsClientConfig` made.
 */

import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { typeScriptSources } from '../helpers/sources';

const CLI = join(__dirname, '..', '..', 'cli');

/** `new XClient(` sites whose configuration does not come from awsClientConfig. */
function unconfigured(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return text.split('\n').flatMap((line, index) => {
    if (!/new [A-Z][A-Za-z0-9]*Client\(/.test(line)) return [];
    // Through the factory directly, or through doctor's cache, which calls it with (c).
    if (/awsClientConfig\(/.test(line) || /\(c\) => new [A-Za-z0-9]+Client\((c|\{ \.\.\.c)/.test(line))
      return [];
    return [`${relative(CLI, file)}:${index + 1}: ${line.trim()}`];
  });
}

describe('the CLI builds its AWS clients in one way', () => {
  it('configures every client through awsClientConfig', () => {
    const found = typeScriptSources(CLI).flatMap(unconfigured);
    expect(found).toEqual([
      'local/dynamodb-local.ts:142: new DynamoDBClient({',
      'target.ts:168: const client = withoutSdkLog(new DynamoDBClient(config));',
    ]);
  });

  it("makes doctor's clients through awsClientConfig too", () => {
    expect(readFileSync(join(CLI, 'doctor', 'aws-doctor.ts'), 'utf8')).toContain(
      'make(awsClientConfig(kind, this.options, region))',
    );
  });
});
