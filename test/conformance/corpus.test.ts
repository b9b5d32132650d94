/**
 * Conformance over the shared corpus of published CloudTrail records, when it is present
 * beside the project. It checks behaviour, not exact output: no crash, no record for other
 * events, clear errors for invalid files, and the instance ids and callers of lifecycle records.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CliResult, jsonLines, ROOT, runInProcess } from '../helpers/cli';
import { CORPUS, corpusFiles } from '../helpers/corpus';
import { describeIf } from '../helpers/requires';

const describeIfCorpus = describeIf(existsSync(CORPUS), `the shared CloudTrail corpus is not at ${CORPUS}`);

/** Instance ids and caller ARN that SOURCES.md lists for a file, read from its own notes. */
function expectations(): Map<string, { ids: string[]; arn: string | null; negative: boolean }> {
  const text = readFileSync(join(CORPUS, 'SOURCES.md'), 'utf8');
  const result = new Map<string, { ids: string[]; arn: string | null; negative: boolean }>();
  for (const section of text.split(/^### /m).slice(1)) {
    const name = /^`([^`]+)`/.exec(section)?.[1];
    if (!name) continue;
    const idsLine = /^- instance ids: (.*)$/m.exec(section)?.[1] ?? '';
    const ids = [...idsLine.matchAll(/\bi-[0-9A-Za-z]+/g)].map((m) => m[0]);
    const attribution = /^- expected attribution: (.*)$/m.exec(section)?.[1] ?? '';
    const arn = /arn=(.+?)(?=;| userName=| \(| —| \[|$)/.exec(attribution)?.[1]?.trim() ?? null;
    result.set(name, { ids, arn, negative: /NEGATIVE/.test(section) });
  }
  return result;
}

const results = new Map<string, CliResult>();
async function inspect(path: string): Promise<CliResult> {
  const cached = results.get(path) ?? (await runInProcess(['inspect', '--json', path]));
  results.set(path, cached);
  return cached;
}

describeIfCorpus('shared CloudTrail corpus', () => {
  const all = existsSync(CORPUS) ? corpusFiles() : [];

  it.each(all.map((path) => [path.slice(CORPUS.length + 1), path]))(
    'handles %s without crashing',
    async (_name, path) => {
      const result = await inspect(path);
      expect([0, 1]).toContain(result.status);
      expect(result.stderr).not.toMatch(/unexpected error|\n\s+at /);
      if (path.endsWith('.txt')) {
        expect(result.status).toBe(1);
        expect(result.stderr.split('\n')[0]).toMatch(/: invalid JSON at line \d+, column \d+: .+/);
      } else {
        expect(result.status).toBe(0);
      }
    },
  );

  it('attributes the lifecycle records and nothing else', async () => {
    const expected = expectations();
    const result = await runInProcess(['inspect', '--json', CORPUS]);
    const records = jsonLines(result.stdout);
    const byFile = new Map<string, Record<string, unknown>[]>();
    // Attribute each file alone, so records can be matched to their source.
    for (const path of all) {
      const name = path.slice(CORPUS.length + 1);
      byFile.set(name, jsonLines((await inspect(path)).stdout));
    }
    let checked = 0;
    for (const [name, facts] of expected) {
      const got = byFile.get(name) ?? [];
      if (facts.negative || name.endsWith('.txt')) {
        expect({ name, records: got.length }).toEqual({ name, records: 0 });
        continue;
      }
      if (facts.ids.length > 0) {
        expect({ name, ids: got.map((r) => r.instanceId).sort() }).toEqual({
          name,
          ids: [...facts.ids].sort(),
        });
      }
      if (facts.arn) {
        for (const record of got) {
          expect({ name, arn: (record.actor as { arn: unknown }).arn }).toEqual({ name, arn: facts.arn });
        }
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
    expect(records.length).toBe([...byFile.values()].reduce((n, r) => n + r.length, 0));
  });

  it('makes valid ASFF findings of every violation, one id per event and rule', async () => {
    // The example policy turns on most rules, so most records break one: many findings to check.
    const result = await runInProcess([
      'inspect',
      '--findings',
      '--policy',
      join(ROOT, 'policy', 'example-policy.yaml'),
      CORPUS,
    ]);
    expect([0, 1]).toContain(result.status);
    const findings = jsonLines(result.stdout) as unknown as {
      Id: string;
      AwsAccountId: string;
      Title: string;
      Description: string;
      Types: string[];
      CreatedAt: string;
      UpdatedAt: string;
      Resources: { Type: string; Id: string }[];
      ProductFields: Record<string, string>;
      Remediation?: { Recommendation: { Text: string } };
    }[];
    expect(findings.length).toBeGreaterThan(10);
    const eventOfId = new Map<string, string>();
    for (const f of findings) {
      // Limits and formats from the AwsSecurityFinding API reference.
      expect({ id: f.Id, ok: f.Id.length <= 512 && /^\d{12}$/.test(f.AwsAccountId) }).toEqual({
        id: f.Id,
        ok: true,
      });
      expect([...f.Title].length).toBeLessThanOrEqual(256);
      expect([...f.Description].length).toBeLessThanOrEqual(1024);
      expect([...(f.Remediation?.Recommendation.Text ?? '')].length).toBeLessThanOrEqual(512);
      expect(f.Resources.length).toBeGreaterThanOrEqual(1);
      expect(f.Resources.length).toBeLessThanOrEqual(32);
      for (const time of [f.CreatedAt, f.UpdatedAt]) expect(Number.isNaN(Date.parse(time))).toBe(false);
      for (const type of f.Types)
        expect(['Software and Configuration Checks', 'TTPs', 'Effects', 'Unusual Behaviors']).toContain(
          type.split('/')[0],
        );
      // A corpus file may hold an event twice (a redelivery): the same id then, never another event's.
      const event = f.ProductFields['ec2trail/eventKey'] ?? '';
      expect({ id: f.Id, event: eventOfId.get(f.Id) ?? event }).toEqual({ id: f.Id, event });
      eventOfId.set(f.Id, event);
    }
  });
});
