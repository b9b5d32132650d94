/**
 * Violations reach Security Hub through the handler: imported once per alert by the invocation
 * that sends it, the same ids again when a failed publish is retried, the launch's findings of
 * an instance archived when it is terminated, and a refusal holds back neither the row nor the
 * alert. Security Hub is mocked at the edge; the real adapter builds and sends the requests.
 *
 * Hand count from the fixture: root launches 3 p5.48xlarge instances, which breaks rootUser and
 * instanceType (deny p5.*): 6 findings. Terminating i-0b1b2c3d4e5f60001 archives its 2.
 */

import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  type BatchImportFindingsCommandInput,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { compilePolicy, parsePolicy } from '../../lambda/domain';
import { findingTargetOf } from '../../lambda/domain/security-hub/finding';
import { SecurityHubFindingSink } from '../../lambda/features/security-hub/finding-sink';
import { findingsAction } from '../../lambda/features/security-hub/reporter';
import { createHandler } from '../../lambda/handler';
import type { IngestedBy } from '../../lambda/schema/attribution-table';
import { FakeLog, FakeMetrics, FakePublisher, InMemoryLedger, InMemoryStore } from '../helpers/fakes';
import { loadJson } from '../helpers/fixtures';

const hub = mockClient(SecurityHubClient);
const POLICY = compilePolicy(
  parsePolicy({ rules: { rootUser: { severity: 'critical' }, instanceType: { deny: ['p5.*'] } } }, 'test'),
);
const target = findingTargetOf('arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default');

function setup(ingestedBy: IngestedBy = 'live') {
  if (!target) throw new Error('the product ARN did not parse');
  const store = new InMemoryStore();
  const ledger = new InMemoryLedger();
  const metrics = new FakeMetrics();
  const logger = new FakeLog();
  const publisher = new FakePublisher();
  let now = new Date('2026-03-02T10:05:00Z');
  const handle = createHandler({
    store,
    publisher,
    ledger,
    policy: POLICY,
    logger,
    metrics,
    clock: () => now,
    sleep: async () => {},
    alertLeaseMs: 0,
    ingestedBy,
    actions: [
      findingsAction({
        sink: new SecurityHubFindingSink(new SecurityHubClient({ region: 'us-east-1', maxAttempts: 1 })),
        target,
        alerts: ledger,
      }),
    ],
  });
  return { store, metrics, logger, publisher, handle, setNow: (d: string) => (now = new Date(d)) };
}

const envelope = (detail: unknown) => ({
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.ec2',
  detail,
});
const launch = () => envelope(loadJson('events/runinstances-root-console.json'));
/** The fixture's terminate, in the launch's region (the fixture itself says eu-west-1). */
const terminate = (instanceId = 'i-0b1b2c3d4e5f60001') => {
  const detail = loadJson('events/terminateinstances-identitycenteruser.json') as Record<string, unknown>;
  const text = JSON.stringify({ ...detail, awsRegion: 'us-east-1' }).replaceAll(
    'i-0b1b2c3d4e5f60001',
    instanceId,
  );
  return envelope(JSON.parse(text));
};

const imported = (): AwsSecurityFinding[][] =>
  hub
    .commandCalls(BatchImportFindingsCommand)
    .map((c) => (c.args[0].input as BatchImportFindingsCommandInput).Findings ?? []);

beforeEach(() => {
  hub.reset();
  hub.on(BatchImportFindingsCommand).callsFake((input: BatchImportFindingsCommandInput) => ({
    FailedCount: 0,
    SuccessCount: input.Findings?.length ?? 0,
    FailedFindings: [],
  }));
});

describe('violations in Security Hub', () => {
  it('imports one finding per instance and rule with the alert, and nothing on a redelivery', async () => {
    const { handle, publisher, metrics } = setup();
    expect(await handle(launch())).toMatchObject({ alert: 'sent', written: 3 });
    expect(await handle(launch())).toMatchObject({ alert: 'already-sent' });
    expect(imported()).toHaveLength(1);
    expect(imported()[0]).toHaveLength(6);
    expect(publisher.sent).toHaveLength(1);
    expect(new Set(imported()[0]?.map((f) => f.GeneratorId))).toEqual(
      new Set(['ec2trail/rootUser', 'ec2trail/instanceType']),
    );
    expect(imported()[0]?.every((f) => f.RecordState === 'ACTIVE')).toBe(true);
    expect(metrics.total('FindingsImported')).toBe(6);
  });

  it('imports the same ids again when a failed publish is retried: updated, not duplicated', async () => {
    const { handle, publisher, setNow } = setup();
    publisher.failWith = new Error('SNS is down');
    await expect(handle(launch())).rejects.toThrow('SNS is down');
    publisher.failWith = null;
    setNow('2026-03-02T10:06:00Z');
    expect(await handle(launch())).toMatchObject({ alert: 'sent' });
    const [first, retry] = imported();
    expect(retry?.map((f) => f.Id)).toEqual(first?.map((f) => f.Id));
    expect(retry?.map((f) => f.FirstObservedAt)).toEqual(first?.map((f) => f.FirstObservedAt));
    expect(retry?.[0]?.UpdatedAt).toBe('2026-03-02T10:06:00.000Z');
    // Each import is made as a new finding would be: CreatedAt equal to UpdatedAt (ASFF).
    for (const f of [...(first ?? []), ...(retry ?? [])]) expect(f.CreatedAt).toBe(f.UpdatedAt);
  });

  it("archives a terminated instance's launch findings, under the ids the launch imported", async () => {
    const { handle, setNow } = setup();
    await handle(launch());
    setNow('2026-03-09T07:31:00Z');
    expect(await handle(terminate())).toMatchObject({ status: 'recorded' });
    const [active, archived] = imported();
    expect(archived).toHaveLength(2);
    expect(archived?.every((f) => f.RecordState === 'ARCHIVED')).toBe(true);
    const ofInstance = active?.filter((f) => f.Id?.includes('/i-0b1b2c3d4e5f60001/')).map((f) => f.Id);
    expect(archived?.map((f) => f.Id).sort()).toEqual(ofInstance?.sort());
    expect(archived?.find((f) => f.GeneratorId === 'ec2trail/rootUser')?.Severity?.Label).toBe('CRITICAL');
  });

  it('archives nothing for an instance whose launch broke no rule, or was never seen', async () => {
    const { handle } = setup();
    await handle(terminate('i-0000000000000dead'));
    expect(imported()).toHaveLength(0);
  });

  it('records and alerts when Security Hub refuses, and counts and logs each lost finding', async () => {
    hub
      .on(BatchImportFindingsCommand)
      .rejects(
        Object.assign(new Error('not subscribed to AWS Security Hub'), { name: 'InvalidAccessException' }),
      );
    const { handle, publisher, metrics, logger, store } = setup();
    expect(await handle(launch())).toMatchObject({ status: 'recorded', written: 3, alert: 'sent' });
    expect(publisher.sent).toHaveLength(1);
    expect(store.rows.size).toBe(3);
    expect(metrics.total('FindingImportFailures')).toBe(6);
    expect(JSON.stringify(logger.lines.filter((l) => l.level === 'error'))).toContain(
      'InvalidAccessException',
    );
  });

  it('imports nothing for history recorded without alerts (a backfill)', async () => {
    const { handle } = setup('backfill');
    await handle(launch());
    await handle(terminate());
    expect(imported()).toHaveLength(0);
  });
});
