/**
 * CloudTrail Event history on a local port: LookupEvents as the CloudTrail API reference shapes
 * it (JSON 1.1, `Events[].CloudTrailEvent` a JSON string, `NextToken`), answering from the events
 * a test gives it, by region (read from the request's signature) and resource name. Moto serves
 * no Event history. It keeps each request's region and time, and can refuse chosen requests with
 * ThrottlingException as the service does.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubRequest {
  readonly region: string;
  readonly resourceName: string | null;
  readonly at: number;
}

export class EventHistoryStub {
  readonly requests: StubRequest[] = [];
  private server: Server | null = null;
  /** Requests (1-based, over all regions) answered with ThrottlingException. */
  throttle = new Set<number>();

  /** `events[region]`: CloudTrail records, each naming its resources in `resources`. */
  constructor(
    private readonly events: Record<string, readonly { record: object; resources: readonly string[] }[]>,
    private readonly pageSize = 50,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        const region =
          /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(request.headers.authorization ?? '')?.[1] ?? '?';
        const input = JSON.parse(body || '{}') as {
          LookupAttributes?: { AttributeKey: string; AttributeValue: string }[];
          NextToken?: string;
        };
        const resourceName =
          input.LookupAttributes?.find((a) => a.AttributeKey === 'ResourceName')?.AttributeValue ?? null;
        this.requests.push({ region, resourceName, at: Date.now() });
        if (this.throttle.has(this.requests.length)) {
          response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
          response.end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
          return;
        }
        const matching = (this.events[region] ?? []).filter(
          (e) => resourceName === null || e.resources.includes(resourceName),
        );
        const offset = input.NextToken ? Number(input.NextToken) : 0;
        const page = matching.slice(offset, offset + this.pageSize);
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(
          JSON.stringify({
            Events: page.map((e, i) => ({
              EventId: `stub-${offset + i}`,
              EventName: (e.record as { eventName?: string }).eventName,
              CloudTrailEvent: JSON.stringify(e.record),
            })),
            ...(offset + this.pageSize < matching.length
              ? { NextToken: String(offset + this.pageSize) }
              : {}),
          }),
        );
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
