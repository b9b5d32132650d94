/** An event from a member account in another region, forwarded to the home bus, processed end to end. */
import { DescribeAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { OrganizationsAccountDirectory } from '../../lambda/adapters/organizations-account-directory';
import { compilePolicy, parsePolicy } from '../../lambda/domain';
import { createHandler } from '../../lambda/handler';
import type { AccountDirectory } from '../../lambda/ports';
import { FakeLog, FakeMetrics, FakePublisher, InMemoryLedger, InMemoryStore } from '../helpers/fakes';
import { loadJson } from '../helpers/fixtures';
import { pipeline } from '../helpers/pipeline';
import { dynamoClient } from '../helpers/services';

/** Mocks made by a test, restored after it whatever its outcome. */
const mocks: { restore(): void }[] = [];
afterEach(() => {
  for (const mock of mocks.splice(0)) mock.restore();
});

/** What the home bus receives from a forwarder: the member account's event, its account and region intact. */
function forwarded(): Record<string, unknown> {
  const detail = JSON.parse(
    JSON.stringify(loadJson('events/runinstances-root-console.json'))
      .replaceAll('111122223333', '444455556666')
      .replaceAll('us-east-1', 'ap-southeast-2'),
  );
  return {
    version: '0',
    id: 'fwd-1',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ec2',
    account: '444455556666',
    region: 'ap-southeast-2',
    detail,
  };
}

describe('events from other accounts and regions', () => {
  it('records and alerts them under the account and region where the call happened', async () => {
    const p = await pipeline(dynamoClient());
    const result = await p.handle(forwarded());
    expect(result).toMatchObject({ status: 'recorded', written: 3, alert: 'sent' });
    const rows = [];
    for await (const row of p.queries.recent({
      fromMs: Date.parse('2026-03-02T00:00:00Z'),
      toMs: Date.parse('2026-03-02T23:59:59Z'),
      account: '444455556666',
      region: 'ap-southeast-2',
    }))
      rows.push(row);
    expect(rows.map((r) => [r.account, r.region, r.actor.arn])).toEqual([
      ['444455556666', 'ap-southeast-2', 'arn:aws:iam::444455556666:root'],
      ['444455556666', 'ap-southeast-2', 'arn:aws:iam::444455556666:root'],
      ['444455556666', 'ap-southeast-2', 'arn:aws:iam::444455556666:root'],
    ]);
    expect(await p.alerts()).toEqual(['[CRITICAL] root launched 3 × p5.48xlarge in ap-southeast-2']);
  });
});

describe('account names in alerts', () => {
  function handlerWith(accounts: AccountDirectory) {
    const publisher = new FakePublisher();
    const handle = createHandler({
      // The fixtures' calls are months before the clock: lateness has its own tests (handler.test.ts).
      lateAfterSeconds: Number.POSITIVE_INFINITY,
      store: new InMemoryStore(),
      ledger: new InMemoryLedger(),
      publisher,
      policy: compilePolicy(parsePolicy({ rules: { rootUser: {} } }, 'test')),
      logger: new FakeLog(),
      metrics: new FakeMetrics(),
      clock: () => new Date(),
      accounts,
      accountNameTimeoutMs: 50,
    });
    return { handle, publisher };
  }

  it('names the account when Organizations knows it', async () => {
    const { handle, publisher } = handlerWith({
      nameOf: async (id) => (id === '444455556666' ? 'payments-prod' : null),
    });
    await handle(forwarded());
    expect(publisher.sent[0]?.email).toContain('  Account:        444455556666 ("payments-prod")');
    expect(publisher.sent[0]?.sms).toContain('acct "payments-prod" (444455556666)');
    expect(JSON.parse(publisher.sent[0]?.json ?? '{}').accountName).toBe('payments-prod');
  });

  it('never holds the alert back for a slow or failing directory', async () => {
    const slow = handlerWith({
      nameOf: () => new Promise((resolve) => setTimeout(() => resolve('late'), 5_000).unref()),
    });
    const started = Date.now();
    await slow.handle(forwarded());
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(slow.publisher.sent[0]?.email).toContain('  Account:        444455556666\n');
    const failing = handlerWith({ nameOf: () => Promise.reject(new Error('AccessDenied')) });
    await expect(failing.handle(forwarded())).resolves.toMatchObject({ alert: 'sent' });
  });

  it('caches names and misses in the Organizations adapter', async () => {
    const mocked = mockClient(OrganizationsClient);
    mocks.push(mocked);
    mocked
      .on(DescribeAccountCommand, { AccountId: '444455556666' })
      .resolves({ Account: { Name: 'payments-prod' } });
    mocked
      .on(DescribeAccountCommand, { AccountId: '999988887777' })
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    let now = 0;
    const directory = new OrganizationsAccountDirectory(new OrganizationsClient({ region: 'us-east-1' }), {
      ttlMs: 1_000,
      now: () => now,
    });
    expect(await directory.nameOf('444455556666')).toBe('payments-prod');
    expect(await directory.nameOf('444455556666')).toBe('payments-prod');
    expect(await directory.nameOf('999988887777')).toBeNull();
    expect(await directory.nameOf('999988887777')).toBeNull();
    expect(mocked.commandCalls(DescribeAccountCommand)).toHaveLength(2);
    now = 2_000;
    await directory.nameOf('444455556666');
    expect(mocked.commandCalls(DescribeAccountCommand)).toHaveLength(3);
  });
});
