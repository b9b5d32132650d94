/**
 * Findings imported into moto's Security Hub by the handler's real adapter, and read back with
 * GetFindings: what Security Hub holds, not what a mock captured. Hand count from the fixture:
 * root launches 3 p5.48xlarge (us-east-1, 10:02:11Z), breaking rootUser and instanceType: 6
 * findings; terminating i-0b1b2c3d4e5f60001 later archives its 2. The ids carry the importing
 * test's own account and region (moto's account), so runs do not meet.
 */
import { GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { compilePolicy, parsePolicy } from '../../lambda/domain';
import { findingTargetOf } from '../../lambda/domain/security-hub/finding';
import { SecurityHubFindingSink } from '../../lambda/features/security-hub/finding-sink';
import { findingsAction } from '../../lambda/features/security-hub/reporter';
import { createHandler } from '../../lambda/handler';
import { MOTO_ACCOUNT } from '../../support/moto-server';
import { FakeLog, FakeMetrics, FakePublisher, InMemoryLedger, InMemoryStore } from '../helpers/fakes';
import { loadJson } from '../helpers/fixtures';
import { motoConfig } from '../helpers/services';

const POLICY = compilePolicy(
  parsePolicy({ rules: { rootUser: { severity: 'critical' }, instanceType: { deny: ['p5.*'] } } }, 'test'),
);

const envelope = (detail: unknown) => ({
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.ec2',
  detail,
});

describe("violations in moto's Security Hub", () => {
  const hub = new SecurityHubClient(motoConfig('us-east-1'));
  afterAll(() => hub.destroy());

  it("holds one finding per instance and rule, created when imported and observed at the call; archives a terminated instance's", async () => {
    const target = findingTargetOf(
      `arn:aws:securityhub:us-east-1:${MOTO_ACCOUNT}:product/${MOTO_ACCOUNT}/default`,
    );
    if (!target) throw new Error('the product ARN did not parse');
    const ledger = new InMemoryLedger();
    let now = new Date('2026-03-02T10:05:00Z');
    const handle = createHandler({
      store: new InMemoryStore(),
      publisher: new FakePublisher(),
      ledger,
      policy: POLICY,
      logger: new FakeLog(),
      metrics: new FakeMetrics(),
      clock: () => now,
      lateAfterSeconds: Number.POSITIVE_INFINITY,
      actions: [
        findingsAction({
          sink: new SecurityHubFindingSink(
            new SecurityHubClient({ ...motoConfig('us-east-1'), maxAttempts: 1 }),
          ),
          target,
          alerts: ledger,
        }),
      ],
    });
    const launch = loadJson('events/runinstances-root-console.json') as Record<string, unknown>;
    await handle(envelope(launch));

    const read = async () =>
      (
        await hub.send(
          new GetFindingsCommand({
            Filters: { GeneratorId: [{ Value: 'ec2trail/', Comparison: 'PREFIX' }] },
            MaxResults: 100,
          }),
        )
      ).Findings ?? [];
    const ours = (await read()).filter((f) => f.Id?.includes('/i-0b1b2c3d4e5f6000'));
    expect(ours).toHaveLength(6);
    for (const f of ours) {
      expect(f.CreatedAt).toBe('2026-03-02T10:05:00.000Z');
      expect(f.UpdatedAt).toBe(f.CreatedAt);
      expect(f.FirstObservedAt).toBe('2026-03-02T10:02:11.000Z');
      expect(f.AwsAccountId).toBe(MOTO_ACCOUNT);
      expect(f.RecordState).toBe('ACTIVE');
    }

    now = new Date('2026-03-09T07:31:00Z');
    const terminate = loadJson('events/terminateinstances-identitycenteruser.json') as Record<
      string,
      unknown
    >;
    await handle(envelope({ ...terminate, awsRegion: 'us-east-1' }));
    const after = (await read()).filter((f) => f.Id?.includes('/i-0b1b2c3d4e5f60001/'));
    expect(after).toHaveLength(2);
    for (const f of after) {
      expect(f.RecordState).toBe('ARCHIVED');
      // Created when the launch's alert made it; updated now.
      expect(f.CreatedAt).toBe('2026-03-02T10:05:00.000Z');
      expect(f.UpdatedAt).toBe('2026-03-09T07:31:00.000Z');
    }
  });
});
