/**
 * CloudTrail Event history on a local port: LookupEvents as the CloudTrail API reference shapes
 * it (JSON 1.1, `Events[].CloudTrailEvent` a JSON string, `NextToken`), answering from the events
 * a test gives it, by region (read from the request's signature) and resource name. Moto serves
 * no Event history. It keeps each request's region and time, and can refuse chosen requests with
 * ThrottlingException as the service does.
 */

import { JsonApiStub } from './json-api-stub';

export interface StubRequest {
  readonly region: string;
  readonly resourceName: string | null;
  readonly at: number;
}

export class EventHistoryStub {
  readonly requests: StubRequest[] = [];
  /** Requests (1-based, over all regions) answered with ThrottlingException. */
  throttle = new Set<number>();

  /** `events[region]`: CloudTrail records, each naming its resources in `resources`. */
  constructor(
    private readonly events: Record<string, readonly { record: object; resources: readonly string[] }[]>,
    private readonly pageSize = 50,
  ) {}

  private readonly api = new JsonApiStub(({ body, region }) => {
    const input = body as {
      LookupAttributes?: { AttributeKey: string; AttributeValue: string }[];
      NextToken?: string;
    };
    const resourceName =
      input.LookupAttributes?.find((a) => a.AttributeKey === 'ResourceName')?.AttributeValue ?? null;
    this.requests.push({ region, resourceName, at: Date.now() });
    if (this.throttle.has(this.requests.length))
      return { status: 400, json: { __type: 'ThrottlingException', message: 'Rate exceeded' } };
    const matching = (this.events[region] ?? []).filter(
      (e) => resourceName === null || e.resources.includes(resourceName),
    );
    const offset = input.NextToken ? Number(input.NextToken) : 0;
    const page = matching.slice(offset, offset + this.pageSize);
    return {
      status: 200,
      json: {
        Events: page.map((e, i) => ({
          EventId: `stub-${offset + i}`,
          EventName: (e.record as { eventName?: string }).eventName,
          CloudTrailEvent: JSON.stringify(e.record),
        })),
        ...(offset + this.pageSize < matching.length ? { NextToken: String(offset + this.pageSize) } : {}),
      },
    };
  });

  start(): Promise<string> {
    return this.api.start();
  }

  stop(): Promise<void> {
    return this.api.stop();
  }
}
