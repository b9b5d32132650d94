/**
 * Findings on the real stores: the handler records on DynamoDB Local and alerts on the SNS
 * emulator, and the terminate's archive reads the launch row (Query) and the launch alert's
 * marker (GetItem) back from the table. Only Security Hub itself is a recording sink: it has
 * no emulator.
 *
 * Hand count from the fixture: root launches 3 p5.48xlarge instances, breaking rootUser and
 * instanceType (deny p5.*), so 6 findings; terminating one of them archives its 2.
 */

import { compilePolicy, parsePolicy } from '../../lambda/domain';
import { type Finding, findingTargetOf } from '../../lambda/domain/security-hub/finding';
import type { FindingImport, FindingSink } from '../../lambda/features/security-hub/port';
import { loadJson } from '../helpers/fixtures';
import { envelope, pipeline } from '../helpers/pipeline';
import { dynamoClient } from '../helpers/services';

class RecordingSink implements FindingSink {
  readonly calls: Finding[][] = [];
  async import(findings: readonly Finding[]): Promise<FindingImport> {
    this.calls.push([...findings]);
    return { imported: findings.length, failed: [] };
  }
}

const client = dynamoClient();
afterAll(() => client.destroy());

const target = findingTargetOf('arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default');
const policy = compilePolicy(
  parsePolicy({ rules: { rootUser: { severity: 'critical' }, instanceType: { deny: ['p5.*'] } } }, 'test'),
);

function terminateOf(instanceId: string): unknown {
  const detail = loadJson('events/terminateinstances-identitycenteruser.json') as Record<string, unknown>;
  // The fixture's terminate is in eu-west-1; the launch it ends was in us-east-1.
  return JSON.parse(
    JSON.stringify({ ...detail, awsRegion: 'us-east-1' }).replaceAll('i-0b1b2c3d4e5f60001', instanceId),
  );
}

describe('Security Hub findings from DynamoDB Local', () => {
  it("archives a terminated instance's launch findings, read back from the table", async () => {
    if (!target) throw new Error('the product ARN did not parse');
    const sink = new RecordingSink();
    const p = await pipeline(client, { policy, securityHub: { sink, target } });
    expect(await p.handle(envelope(loadJson('events/runinstances-root-console.json')))).toMatchObject({
      alert: 'sent',
      written: 3,
    });
    expect(await p.alerts()).toHaveLength(1);
    expect(sink.calls.map((c) => c.length)).toEqual([6]);

    expect(await p.handle(envelope(terminateOf('i-0b1b2c3d4e5f60002')))).toMatchObject({
      status: 'recorded',
    });
    expect(sink.calls.map((c) => c.length)).toEqual([6, 2]);
    const archived = sink.calls[1] ?? [];
    expect(archived.map((f) => f.RecordState)).toEqual(['ARCHIVED', 'ARCHIVED']);
    const launched = (sink.calls[0] ?? []).filter((f) => f.Id.includes('/i-0b1b2c3d4e5f60002/'));
    expect(archived.map((f) => f.Id).sort()).toEqual(launched.map((f) => f.Id).sort());
    expect(archived.every((f) => f.ProductFields['ec2trail/person'] === 'root')).toBe(true);

    // A second delivery of the terminate archives the same two again: an update, never a new finding.
    await p.handle(envelope(terminateOf('i-0b1b2c3d4e5f60002')));
    expect(sink.calls[2]?.map((f) => f.Id).sort()).toEqual(archived.map((f) => f.Id).sort());
    expect(p.metrics.total('FindingImportFailures')).toBe(0);
  });
});
