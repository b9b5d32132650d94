/**
 * A local stand-in for an AWS JSON 1.1 API (one the emulators do not serve): each request's JSON
 * body and region (read from its SigV4 credential scope) go to `answer`, whose result is sent back
 * with its status.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface JsonRequest {
  readonly body: Record<string, unknown>;
  readonly region: string;
}

export type JsonAnswer = { readonly status: number; readonly json: object };

export class JsonApiStub {
  private server: Server | null = null;

  constructor(private readonly answer: (request: JsonRequest) => JsonAnswer) {}

  /** Listens on a free loopback port; resolves to the endpoint URL. */
  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk) => {
        text += chunk;
      });
      request.on('end', () => {
        const region =
          /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(request.headers.authorization ?? '')?.[1] ?? '?';
        const { status, json } = this.answer({ body: JSON.parse(text || '{}'), region });
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(json));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
