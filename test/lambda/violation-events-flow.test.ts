/**
 * Violations reach the event bus through the handler: once per alert, from the invocation that
 * sends it, never for an event that broke nothing, and a refused PutEvents holds back neither the
 * row nor the alert. EventBridge is mocked at the edge (the real adapter sends).
 */

import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { compilePolicy, parsePolicy } from '../../lambda/domain';
import { violationEventAction } from '../../lambda/features/violation-events';
import { EventBridgeViolationBus } from '../../lambda/features/violation-events/event-bus';
import { createHandler } from '../../lambda/handler';
import { FakeLog, FakeMetrics, FakePublisher, InMemoryLedger, InMemoryStore } from '../helpers/fakes';
import { loadJson } from '../helpers/fixtures';

const events = mockClient(EventBridgeClient);
const POLICY = compilePolicy(
  parsePolicy({ rules: { rootUser: {}, instanceType: { deny: ['p5.*'] } } }, 'test'),
);

function setup() {
  const store = new InMemoryStore();
  const metrics = new FakeMetrics();
  const logger = new FakeLog();
  const publisher = new FakePublisher();
  const handle = createHandler({
    store,
    publisher,
    ledger: new InMemoryLedger(),
    policy: POLICY,
    logger,
    metrics,
    clock: () => new Date('2026-03-02T10:05:00Z'),
    actions: [
      violationEventAction(new EventBridgeViolationBus(new EventBridgeClient({ region: 'us-east-1' }))),
    ],
  });
  return { store, metrics, logger, publisher, handle };
}

const envelope = (fixture: string) => ({
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.ec2',
  detail: loadJson(fixture),
});

beforeEach(() => events.reset());

describe('violations on the event bus', () => {
  it('puts one event per alert, and none on a redelivery or for an event that broke nothing', async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
    const { handle, publisher, metrics } = setup();
    // Root launching p5 instances breaks both rules.
    expect(await handle(envelope('events/runinstances-root-console.json'))).toMatchObject({ alert: 'sent' });
    await handle(envelope('events/runinstances-root-console.json'));
    await handle(envelope('events/startinstances-samluser.json'));
    const puts = events.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.[0]);
    expect(puts).toHaveLength(1);
    expect(publisher.sent).toHaveLength(1);
    const detail = JSON.parse(puts[0]?.Detail ?? '{}');
    expect(detail.rules.sort()).toEqual(['instanceType', 'rootUser']);
    expect(detail.eventKey).toBe(JSON.parse(publisher.sent[0]?.json ?? '{}').record.eventKey);
    expect(puts[0]?.Source).toBe('ec2trail');
    expect(metrics.total('ViolationEventsPut')).toBe(1);
  });

  it('alerts and records even when the bus refuses the event, and counts the refusal', async () => {
    events
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const { handle, publisher, metrics, logger, store } = setup();
    expect(await handle(envelope('events/runinstances-root-console.json'))).toMatchObject({
      status: 'recorded',
      written: 3,
      alert: 'sent',
    });
    expect(publisher.sent).toHaveLength(1);
    expect(store.rows.size).toBe(3);
    expect(metrics.total('ViolationEventFailures')).toBe(1);
    expect(JSON.stringify(logger.lines.filter((l) => l.level === 'error'))).toContain(
      'AccessDeniedException: denied',
    );
  });
});
