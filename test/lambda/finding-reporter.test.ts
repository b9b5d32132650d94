/**
 * The reporter's promise that a finding never holds back the row or the alert: when a finding
 * cannot be built (here: a clock that yields an invalid date, so no timestamp can be written)
 * nothing is sent, the failure is counted once per violation, and report() resolves.
 */

import { adviceOf, attribute, compilePolicy, evaluate, parsePolicy } from '../../lambda/domain';
import { type Finding, findingTargetOf } from '../../lambda/domain/security-hub/finding';
import type { FindingImport, FindingSink } from '../../lambda/features/security-hub/port';
import { FindingReporter } from '../../lambda/features/security-hub/reporter';
import { FakeLog, FakeMetrics } from '../helpers/fakes';
import { loadJson } from '../helpers/fixtures';

class RecordingSink implements FindingSink {
  readonly batches: Finding[][] = [];
  async import(findings: readonly Finding[]): Promise<FindingImport> {
    this.batches.push([...findings]);
    return { imported: findings.length, failed: [] };
  }
}

const policy = compilePolicy(parsePolicy({ rules: { rootUser: { severity: 'critical' } } }, 'test'));

function launchOfRoot() {
  const result = attribute(loadJson('events/runinstances-root-console.json'));
  if (result.kind !== 'records') throw new Error(`the fixture did not attribute: ${result.kind}`);
  return result.records;
}

function reporter(clock: () => Date) {
  const target = findingTargetOf('arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default');
  if (!target) throw new Error('the product ARN did not parse');
  const sink = new RecordingSink();
  const metrics = new FakeMetrics();
  const logger = new FakeLog();
  const findings = new FindingReporter({
    sink,
    target,
    alerts: { sentAlert: async () => null },
    history: async () => [],
    policy,
    advice: adviceOf(policy),
    logger,
    metrics,
    clock,
  });
  return { findings, sink, metrics, logger };
}

describe('FindingReporter.report', () => {
  it('sends the findings of the violations when they can be built', async () => {
    const records = launchOfRoot();
    const violations = evaluate(records, policy);
    const { findings, sink, metrics } = reporter(() => new Date('2026-03-02T10:05:00Z'));
    await findings.report(records, violations);
    metrics.publishStoredMetrics();
    // The fixture launches 3 instances as root: one rootUser finding per instance.
    expect(sink.batches.flat()).toHaveLength(3);
    expect(metrics.total('FindingImportFailures')).toBe(0);
  });

  it('counts and logs a finding it cannot build, sends nothing, and does not throw', async () => {
    const records = launchOfRoot();
    const violations = evaluate(records, policy);
    const { findings, sink, metrics, logger } = reporter(() => new Date(Number.NaN));
    await expect(findings.report(records, violations)).resolves.toBeUndefined();
    metrics.publishStoredMetrics();
    expect(sink.batches).toHaveLength(0);
    expect(metrics.total('FindingImportFailures')).toBe(violations.length);
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      expect.stringMatching(/^Findings not built/),
    ]);
  });
});
