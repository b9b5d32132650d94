import { compilePolicy, parsePolicy } from '../../lambda/domain';
import { DEFAULT_ADVICE } from '../../lambda/domain/policy/advice';
import { createHandler } from '../../lambda/handler';
import { METRIC } from '../../lambda/telemetry';
import { FakeLog, FakeMetrics, FakePublisher, InMemoryLedger, InMemoryStore } from '../helpers/fakes';
import { loadJson } from '../helpers/fixtures';

const NOW = new Date('2026-03-15T00:00:00Z');
const POLICY = compilePolicy(
  parsePolicy(
    {
      rules: {
        rootUser: { advice: 'Call the cloud team on #cloud-oncall now.' },
        instanceType: { deny: ['p5.*'] },
        requiredTags: { tags: { Owner: null } },
        protectedInstances: { tags: { Environment: 'prod*' } },
        launchQuota: { maxInstances: 3, windowMinutes: 60 },
      },
    },
    'test',
  ),
);

function setup(retentionDays?: number, start = NOW) {
  const store = new InMemoryStore();
  const logger = new FakeLog();
  const metrics = new FakeMetrics();
  const publisher = new FakePublisher();
  const ledger = new InMemoryLedger();
  let now = start;
  const handle = createHandler({
    store,
    publisher,
    ledger,
    policy: POLICY,
    logger,
    metrics,
    clock: () => now,
    retentionDays,
  });
  return {
    store,
    logger,
    metrics,
    publisher,
    ledger,
    handle,
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
  };
}

function envelope(detailFixture: string, overrides: object = {}) {
  return {
    version: '0',
    id: 'evb-1',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ec2',
    account: '111122223333',
    region: 'eu-west-1',
    time: '2026-03-02T09:15:04Z',
    resources: [],
    detail: loadJson(detailFixture),
    ...overrides,
  };
}

describe('attribution handler', () => {
  it.each([
    ['events/runinstances-iamuser-cli.json', 'launch', 2],
    ['events/startinstances-samluser.json', 'start', 1],
    ['events/stopinstances-assumedrole-sourceidentity.json', 'stop', 1],
    ['events/terminateinstances-response-omitted.json', 'terminate', 2],
    ['events/rebootinstances-awsaccount.json', 'reboot', 1],
    ['events/sendsshpublickey-sso.json', 'connect', 1],
  ])('records %s as %s rows', async (fixture, action, rows) => {
    const { store, metrics, handle } = setup();
    expect(await handle(envelope(fixture))).toMatchObject({
      status: 'recorded',
      written: rows,
      duplicates: 0,
    });
    expect([...store.rows.values()].map((r) => r.action)).toEqual(Array(rows).fill(action));
    expect(
      [...store.rows.values()].every((r) => r.ingestedBy === 'live' && r.recordedAt === NOW.toISOString()),
    ).toBe(true);
    expect(metrics.total(METRIC.recordsWritten)).toBe(rows);
    expect(metrics.total(METRIC.eventsProcessed)).toBe(1);
  });

  it('records a failed launch as one row with no instance', async () => {
    const { store, handle } = setup();
    await handle(envelope('events/runinstances-unauthorized-federated.json'));
    const [row] = [...store.rows.values()];
    expect(row).toMatchObject({
      outcome: 'failed',
      errorCode: 'Client.UnauthorizedOperation',
      actor: { name: 'contractor-bob' },
      // The index copy of the name carries the row's shard.
      person: 'contractor-bob',
    });
    expect(row?.instanceId).toMatch(/^no-instance#/);
  });

  it('writes one row per instance when the same event is delivered twice', async () => {
    const { store, metrics, handle } = setup();
    const event = envelope('events/runinstances-root-console.json');
    await handle(event);
    expect(await handle(structuredClone(event))).toMatchObject({
      status: 'recorded',
      written: 0,
      duplicates: 3,
    });
    expect(store.rows.size).toBe(3);
    expect(metrics.total(METRIC.duplicatesSkipped)).toBe(3);
  });

  it('logs with the event id and the caller as keys', async () => {
    const { logger, handle } = setup();
    await handle(envelope('events/runinstances-sso-terraform.json'));
    expect(logger.keys).toMatchObject({
      eventId: '11111111-aaaa-4bbb-8ccc-000000000003',
      principal:
        'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_PlatformAdmin_0123456789abcdef/jane.doe@example.com',
    });
  });

  it('skips and counts an event that is not a lifecycle call', async () => {
    const { store, metrics, handle } = setup();
    expect(await handle(envelope('events/createtags-not-lifecycle.json'))).toMatchObject({
      status: 'skipped',
    });
    expect(store.rows.size).toBe(0);
    expect(metrics.total(METRIC.eventsSkipped)).toBe(1);
  });

  it.each([
    ['not an object', 'just text'],
    [
      'another EventBridge event',
      { 'detail-type': 'EC2 Instance State-change Notification', detail: { state: 'running' } },
    ],
    [
      'an envelope without a CloudTrail detail',
      { 'detail-type': 'AWS API Call via CloudTrail', detail: 'oops' },
    ],
    [
      'two events at once',
      [loadJson('events/startinstances-samluser.json'), loadJson('events/startinstances-samluser.json')],
    ],
    [
      'a detail that is not a CloudTrail record',
      { 'detail-type': 'AWS API Call via CloudTrail', detail: { hello: 1 } },
    ],
  ])('acknowledges a malformed event (%s) with an error log and a metric', async (_title, event) => {
    const { store, logger, metrics, handle } = setup();
    await expect(handle(event)).resolves.toMatchObject({ status: 'malformed' });
    expect(store.rows.size).toBe(0);
    expect(metrics.total(METRIC.malformedEvents)).toBe(1);
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      'Malformed event acknowledged without processing',
    ]);
  });

  it('never logs the content of a malformed event', async () => {
    const { logger, handle } = setup();
    await handle({ 'detail-type': 'Something', detail: { secret: 'AKIA-SECRET-VALUE' } });
    expect(JSON.stringify(logger.lines)).not.toContain('AKIA-SECRET-VALUE');
  });

  it('rethrows a store failure so the platform retries, and still flushes metrics', async () => {
    const { store, metrics, handle } = setup();
    store.failWith = Object.assign(new Error('Throughput exceeds the current capacity'), {
      name: 'ProvisionedThroughputExceededException',
    });
    await expect(handle(envelope('events/runinstances-iamuser-cli.json'))).rejects.toThrow(
      'Throughput exceeds',
    );
    expect(metrics.published).toHaveLength(1);
    store.failWith = null;
    await expect(handle(envelope('events/runinstances-iamuser-cli.json'))).resolves.toMatchObject({
      written: 2,
    });
  });

  it('sets a TTL from the event time when a retention is configured', async () => {
    const { store, handle } = setup(30);
    await handle(envelope('events/stopinstances-awsservice.json'));
    const [row] = [...store.rows.values()];
    expect(row?.expiresAt).toBe(Date.parse('2026-03-08T22:00:00Z') / 1000 + 30 * 86_400);
  });

  it('falls back to the envelope account and region', async () => {
    const detail = loadJson('events/stopinstances-awsservice.json') as Record<string, unknown>;
    const { recipientAccountId: _a, awsRegion: _r, ...bare } = detail;
    const { store, handle } = setup();
    await handle({
      ...envelope('events/stopinstances-awsservice.json'),
      detail: bare,
      account: '999988887777',
      region: 'ap-south-1',
    });
    expect([...store.rows.values()][0]).toMatchObject({ region: 'ap-south-1' });
  });
});

describe('policy alerts from the handler', () => {
  it('publishes one alert listing every broken rule', async () => {
    // Three minutes after the call: a fresh alert, not a late one.
    const { publisher, metrics, handle } = setup(undefined, new Date('2026-03-02T10:05:11Z'));
    const result = await handle(envelope('events/runinstances-root-console.json'));
    expect(result.violations.map((v) => v.rule)).toEqual(['rootUser', 'instanceType', 'requiredTags']);
    expect(result.alert).toBe('sent');
    expect(publisher.sent).toHaveLength(1);
    expect(publisher.sent[0]?.subject).toBe('[CRITICAL] root launched 3 × p5.48xlarge in us-east-1');
    expect(publisher.sent[0]?.attributes).toEqual({
      kind: 'alert',
      severity: 'critical',
      rules: 'rootUser,instanceType,requiredTags',
      action: 'launch',
      // A direct call: the person behind it is the caller.
      initiator: 'root',
      // Who a person's own subscription matches: the fixture's caller, root.
      person: 'root',
      personArn: 'arn:aws:iam::111122223333:root',
      account: '111122223333',
      region: 'us-east-1',
    });
    expect(metrics.total(METRIC.alertsPublished)).toBe(1);
    // The policy's own advice for rootUser, the default for the other two.
    expect(publisher.sent[0]?.email).toContain('  rootUser: Call the cloud team on #cloud-oncall now.\n');
    expect(publisher.sent[0]?.email).toContain(`  requiredTags: ${DEFAULT_ADVICE.requiredTags}\n`);
  });

  it('sends nothing for an event that breaks no rule', async () => {
    const { publisher, handle } = setup();
    expect(await handle(envelope('events/runinstances-iamuser-cli.json'))).toMatchObject({
      violations: [],
      alert: 'none',
    });
    expect(publisher.sent).toHaveLength(0);
  });

  it('never alerts twice for duplicate deliveries', async () => {
    const { publisher, handle } = setup();
    const event = envelope('events/runinstances-root-console.json');
    await handle(event);
    expect(await handle(structuredClone(event))).toMatchObject({ alert: 'already-sent', duplicates: 3 });
    expect(publisher.sent).toHaveLength(1);
  });

  it('writes the rows, fails, and alerts exactly once on the retry when SNS is down', async () => {
    const { store, publisher, handle } = setup();
    const event = envelope('events/runinstances-root-console.json');
    publisher.failWith = new Error('SNS is unavailable');
    await expect(handle(event)).rejects.toThrow('SNS is unavailable');
    expect(store.rows.size).toBe(3);
    expect(publisher.sent).toHaveLength(0);
    publisher.failWith = null;
    expect(await handle(event)).toMatchObject({ written: 0, duplicates: 3, alert: 'sent' });
    expect(await handle(event)).toMatchObject({ alert: 'already-sent' });
    expect(publisher.sent).toHaveLength(1);
  });

  it('asks for a retry while another invocation holds the alert, and takes over once the lease expires, flagged as a possible repeat', async () => {
    const start = new Date('2026-03-02T10:05:11Z');
    const { ledger, publisher, handle, advance } = setup(undefined, start);
    await ledger.claim('11111111-aaaa-4bbb-8ccc-000000000002', {
      now: start,
      leaseMs: 60_000,
      expiresAt: undefined,
    });
    await expect(handle(envelope('events/runinstances-root-console.json'))).rejects.toThrow(
      /being sent by another invocation/,
    );
    advance(61_000);
    await expect(handle(envelope('events/runinstances-root-console.json'))).resolves.toMatchObject({
      alert: 'sent',
    });
    expect(publisher.sent).toHaveLength(1);
    expect(publisher.sent[0]?.subject).toMatch(/^\[REPEAT\?\] \[CRITICAL\] root launched/);
    expect(publisher.sent[0]?.attributes.repeat).toBe('possible');
  });

  it('marks a live event delivered more than an hour after the call as late, so it is never texted', async () => {
    // The fixture's call is at 10:02:11Z: one hour later is still fresh, one second more is late.
    const fresh = setup(undefined, new Date('2026-03-02T11:02:11Z'));
    await fresh.handle(envelope('events/runinstances-root-console.json'));
    expect(fresh.publisher.sent[0]?.attributes.late).toBeUndefined();
    const late = setup(undefined, new Date('2026-03-02T11:02:12Z'));
    await late.handle(envelope('events/runinstances-root-console.json'));
    const sent = late.publisher.sent[0];
    expect(sent?.subject).toBe('[LATE 1 h] [CRITICAL] root launched 3 × p5.48xlarge in us-east-1');
    expect(sent?.attributes).toMatchObject({ late: 'live', lagSeconds: '3601' });
    expect(sent?.email).toMatch(
      /^LATE: this call happened 1 h before this alert\. EventBridge delivered it late \(a retry that lasted, or a redrive from the dead-letter queue\)\./,
    );
  });

  it('keeps alert markers with the rows, and always past the 14 days the dead-letter queue keeps an event', async () => {
    const forever = setup();
    await forever.handle(envelope('events/runinstances-root-console.json'));
    expect(forever.ledger.markers.get('11111111-aaaa-4bbb-8ccc-000000000002')?.expiresAt).toBeUndefined();
    // The event is from 2026-03-02, 13 days before NOW: its rows (30 days) outlive a 15-day minimum...
    const month = setup(30);
    await month.handle(envelope('events/runinstances-root-console.json'));
    expect(month.ledger.markers.get('11111111-aaaa-4bbb-8ccc-000000000002')?.expiresAt).toBe(
      Date.parse('2026-03-02T10:02:11Z') / 1000 + 30 * 86_400,
    );
    // ...rows kept one day would already be gone: the marker still stays 15 days from now.
    const day = setup(1);
    await day.handle(envelope('events/runinstances-root-console.json'));
    expect(day.ledger.markers.get('11111111-aaaa-4bbb-8ccc-000000000002')?.expiresAt).toBe(
      NOW.getTime() / 1000 + 15 * 86_400,
    );
  });

  it('alerts when a protected instance is terminated, from the tags of its launch row', async () => {
    const { publisher, handle } = setup(undefined, new Date('2026-03-11T16:46:00Z'));
    const launch = loadJson('events/runinstances-iamuser-cli.json') as Record<string, unknown>;
    const tagged = JSON.parse(
      JSON.stringify(launch).replaceAll(
        '"Environment","value":"staging"',
        '"Environment","value":"production"',
      ),
    );
    await handle({ ...envelope('events/runinstances-iamuser-cli.json'), detail: tagged });
    const result = await handle(envelope('events/terminateinstances-response-omitted.json'));
    expect(result.violations.map(({ about: _about, ...v }) => v)).toEqual([
      {
        rule: 'protectedInstances',
        severity: 'critical',
        message: 'i-0a1b2c3d4e5f60001 is protected (Environment=production) and was terminated',
      },
      {
        rule: 'protectedInstances',
        severity: 'critical',
        message: 'i-0a1b2c3d4e5f60002 is protected (Environment=production) and was terminated',
      },
    ]);
    expect(publisher.sent.at(-1)?.subject).toBe(
      '[CRITICAL] bob terminated i-0a1b2c3d4e5f60001, i-0a1b2c3d4e5f60002 in eu-west-1',
    );
  });

  it("counts a caller's launches in the quota window from the store, this event included", async () => {
    const { handle } = setup();
    const base = loadJson('events/runinstances-iamuser-cli.json') as Record<string, unknown>;
    const at = (minute: number, id: string) => ({
      ...envelope('events/runinstances-iamuser-cli.json'),
      detail: { ...base, eventID: id, eventTime: `2026-03-02T09:${String(minute).padStart(2, '0')}:00Z` },
    });
    expect((await handle(at(0, 'q-1'))).violations).toEqual([]);
    const second = await handle(at(30, 'q-2'));
    expect(second.violations).toEqual([
      {
        rule: 'launchQuota',
        severity: 'warning',
        message:
          'alice launched 4 instances in 60 minutes (launches from 2026-03-02T09:00Z to 2026-03-02T09:30Z); the quota is 3',
      },
    ]);
    // A retry of the same event does not count itself twice.
    expect((await handle(at(30, 'q-2'))).violations[0]?.message).toBe(
      'alice launched 4 instances in 60 minutes (launches from 2026-03-02T09:00Z to 2026-03-02T09:30Z); the quota is 3',
    );
  });
});
