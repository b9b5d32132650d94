import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { ViolationEvent } from '../../domain/violation-event';
import type { ViolationBus } from './port';

/**
 * Puts violation events on an event bus (the default one unless named). PutEvents answers 200
 * even when it refused the entry: the entry's error is read and thrown, so it is counted.
 */
export class EventBridgeViolationBus implements ViolationBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName?: string,
  ) {}

  async put(event: ViolationEvent): Promise<void> {
    const answer = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: event.source,
            DetailType: event.detailType,
            Detail: event.detail,
            Resources: [...event.resources],
            ...(event.time ? { Time: event.time } : {}),
            ...(this.busName ? { EventBusName: this.busName } : {}),
          },
        ],
      }),
    );
    const entry = answer.Entries?.[0];
    if ((answer.FailedEntryCount ?? 0) > 0 || entry?.ErrorCode)
      throw Object.assign(
        new Error(`PutEvents refused the violation event: ${entry?.ErrorMessage ?? 'no reason given'}`),
        {
          name: entry?.ErrorCode ?? 'PutEventsFailed',
        },
      );
  }
}
