import { createHandler } from '../../lambda/handler';
import { METRIC } from '../../lambda/telemetry';
import { FakeLog, FakeMetrics, InMemoryStore } from '../helpers/fakes';
import { loadJson } from '../helpers/fixtures';

const NOW = new Date('2026-03-15T00:00:00Z');

function setup(retentionDays?: number) {
  const store = new InMemoryStore();
  const logger = new FakeLog();
  const metrics = new FakeMetrics();
  const handle = createHandler({ store, logger, metrics, clock: () => NOW, retentionDays });
  return { store, logger, metrics, handle };
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
    expect(await handle(envelope(fixture))).toEqual({ status: 'recorded', written: rows, duplicates: 0 });
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
      actorName: 'contractor-bob',
    });
    expect(row?.instanceId).toMatch(/^no-instance#/);
  });

  it('writes one row per instance when the same event is delivered twice', async () => {
    const { store, metrics, handle } = setup();
    const event = envelope('events/runinstances-root-console.json');
    await handle(event);
    expect(await handle(structuredClone(event))).toEqual({ status: 'recorded', written: 0, duplicates: 3 });
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
    expect(logger.lines.filter((l) => l.level === 'error' || l.level === 'info')).not.toHaveLength(0);
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
