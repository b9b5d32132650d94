/**
 * The hand-judged table of docs/default-policy-audit.md stays true: the default policy run over
 * the shared corpus gives exactly the (record, event, rule) lines the table judged, and the
 * README's false-positive count is the table's. A changed alert fails here until a person judges
 * it again. Runs when the corpus is beside the project.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonLines, ROOT, runInProcess } from '../helpers/cli';
import { CORPUS, corpusFiles } from '../helpers/corpus';
import { describeIf } from '../helpers/requires';

const AUDIT = join(ROOT, 'docs', 'default-policy-audit.md');

interface Judged {
  readonly line: string;
  readonly verdict: string;
}

function judgedLines(): Judged[] {
  const text = readFileSync(AUDIT, 'utf8');
  const table = /<!-- audit: default-policy -->\n([\s\S]*?)<!-- \/audit -->/.exec(text)?.[1] ?? '';
  return table
    .split('\n')
    .filter((row) => /^\| \d+ \|/.test(row))
    .map((row) => {
      const [, , file, event, rule, verdict, reason] = row.split('|').map((cell) => cell.trim());
      if (!reason) throw new Error(`row without a reason: ${row}`);
      return { line: `${file} ${event} ${rule}`, verdict: verdict ?? '' };
    });
}

describeIf(existsSync(CORPUS), `the shared CloudTrail corpus is not at ${CORPUS}`)(
  'the default policy on the corpus, as judged by hand',
  () => {
    it('alerts exactly the judged lines, each judged true or false', async () => {
      const fired = new Set<string>();
      for (const path of corpusFiles().filter((p) => p.endsWith('.json'))) {
        const result = await runInProcess([
          'inspect',
          '--json',
          '--policy',
          join(ROOT, 'policy', 'default-policy.json'),
          path,
        ]);
        for (const record of jsonLines(result.stdout) as {
          eventKey: string;
          violations?: { rule: string }[];
        }[])
          for (const v of record.violations ?? [])
            fired.add(`${path.slice(CORPUS.length + 1)} ${record.eventKey} ${v.rule}`);
      }
      const judged = judgedLines();
      expect(judged.length).toBeGreaterThan(0);
      expect([...fired].sort()).toEqual(judged.map((j) => j.line).sort());
      for (const j of judged)
        expect({ line: j.line, verdict: j.verdict }).toEqual({
          line: j.line,
          verdict: expect.stringMatching(/^(true|false)$/),
        });
    });

    it('states the false-positive count the table holds, in the audit and in the README', () => {
      const judged = judgedLines();
      const falses = judged.filter((j) => j.verdict === 'false').length;
      const trues = judged.length - falses;
      const audit = readFileSync(AUDIT, 'utf8');
      expect(audit).toContain(`${judged.length} rule lines; ${trues} true, ${falses} false positive`);
      const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
      expect(readme).toContain(
        `${falses} false positive${falses === 1 ? '' : 's'} in ${judged.length} alert lines`,
      );
    });
  },
);
