/** CloudTrail Event history (LookupEvents), behind a port so backfill can be tested with fakes. */

import { type CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';

export interface EventHistoryPage {
  /** Each event's `CloudTrailEvent`: the full record as a JSON string. */
  readonly events: readonly string[];
  readonly nextToken?: string;
}

export interface EventHistory {
  lookup(eventName: string, start: Date, end: Date, nextToken?: string): Promise<EventHistoryPage>;
}

export class CloudTrailEventHistory implements EventHistory {
  constructor(private readonly client: CloudTrailClient) {}

  async lookup(eventName: string, start: Date, end: Date, nextToken?: string): Promise<EventHistoryPage> {
    const page = await this.client.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }],
        StartTime: start,
        EndTime: end,
        MaxResults: 50,
        NextToken: nextToken,
      }),
    );
    return {
      events: (page.Events ?? []).flatMap((event) => (event.CloudTrailEvent ? [event.CloudTrailEvent] : [])),
      ...(page.NextToken ? { nextToken: page.NextToken } : {}),
    };
  }
}
