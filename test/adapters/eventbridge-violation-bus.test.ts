/**
 * The violation bus against a mocked EventBridge, with the request typed by the SDK's own
 * PutEventsCommandInput. PutEvents reports a refused entry in its answer, not as an error
 * (EventBridge API reference, "PutEvents"): that answer must become an error.
 */

import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import type { ViolationEvent } from '../../lambda/domain/violation-event';
import { EventBridgeViolationBus } from '../../lambda/features/violation-events/event-bus';

const events = mockClient(EventBridgeClient);
const EVENT: ViolationEvent = {
  source: 'ec2trail',
  detailType: 'EC2 Launch Policy Violation',
  detail: '{"version":1}',
  resources: ['arn:aws:ec2:us-east-1:111122223333:instance/i-1'],
  time: new Date('2026-03-02T10:02:11Z'),
};

beforeEach(() => events.reset());

describe('EventBridgeViolationBus', () => {
  it('puts one entry on the default bus', async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    await new EventBridgeViolationBus(new EventBridgeClient({ region: 'us-east-1' })).put(EVENT);
    const expected: PutEventsCommandInput = {
      Entries: [
        {
          Source: 'ec2trail',
          DetailType: 'EC2 Launch Policy Violation',
          Detail: '{"version":1}',
          Resources: ['arn:aws:ec2:us-east-1:111122223333:instance/i-1'],
          Time: new Date('2026-03-02T10:02:11Z'),
        },
      ],
    };
    expect(events.commandCalls(PutEventsCommand).map((c) => c.args[0].input)).toEqual([expected]);
  });

  it('throws when EventBridge refused the entry, with its code', async () => {
    events.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
    });
    await expect(
      new EventBridgeViolationBus(new EventBridgeClient({ region: 'us-east-1' })).put(EVENT),
    ).rejects.toMatchObject({
      name: 'InternalFailure',
      message: 'PutEvents refused the violation event: try again',
    });
  });
});
