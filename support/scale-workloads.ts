/**
 * The organization-scale workloads of README "Scale", as timed CloudTrail events made from the
 * test fixtures: (a) every account and region scaling out in the same minute, (b) one
 * TerminateInstances of 1,000 ids, (c) a replay of an organization's trail at 5,000 rows a second.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TimedEvent } from './hot-keys';
import { prng, syntheticEvents } from './synthetic-trail';

const EVENTS = join(__dirname, '..', 'test', 'fixtures', 'events');

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(EVENTS, name), 'utf8'));
}

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2', 'eu-central-1', 'ap-northeast-1'];

export interface ScaleOutOptions {
  readonly accounts: number;
  readonly regions: number;
  /** Instances each account and region launches, one RunInstances call each (Auto Scaling's way). */
  readonly instances: number;
  /** The window the launches arrive in, uniformly at random. @default 60 */
  readonly seconds?: number;
  readonly seed?: number;
}

/** (a) Auto Scaling launching in every account and region within one minute. */
export function* organizationScaleOut(options: ScaleOutOptions): Generator<TimedEvent> {
  // The fixture's text cut at what changes per launch, joined again for each (cheaper than
  // replacing in 3 KB of text 400,000 times).
  const parts = JSON.stringify(fixture('runinstances-autoscaling-spot.json'))
    .replace(/"eventTime":"[^"]*"/, '"eventTime":"\u0000TIME\u0000"')
    .replaceAll('111122223333', '\u0000ACCOUNT\u0000')
    .replaceAll('eu-west-1', '\u0000REGION\u0000')
    .replaceAll('i-0d1b2c3d4e5f60001', '\u0000INSTANCE\u0000')
    .replaceAll('11111111-aaaa-4bbb-8ccc-000000000004', '\u0000EVENT\u0000')
    .split('\u0000');
  const random = prng(options.seed ?? 7);
  const seconds = options.seconds ?? 60;
  const start = Date.parse('2026-03-02T09:00:00Z');
  let n = 0;
  for (let a = 0; a < options.accounts; a++) {
    const account = String(100_000_000_000 + a * 7_919);
    for (let r = 0; r < options.regions; r++) {
      const region = REGIONS[r % REGIONS.length] ?? 'us-east-1';
      for (let i = 0; i < options.instances; i++, n++) {
        const second = Math.floor(random() * seconds);
        const values: Record<string, string> = {
          ACCOUNT: account,
          REGION: region,
          INSTANCE: `i-0${n.toString(16).padStart(16, '0')}`,
          EVENT: `scale-out-${n}`,
          TIME: new Date(start + second * 1000).toISOString(),
        };
        // Odd parts are placeholders' names.
        const text = parts.map((part, index) => (index % 2 === 1 ? (values[part] ?? part) : part)).join('');
        yield { second, event: JSON.parse(text) };
      }
    }
  }
}

/** (b) One person's TerminateInstances naming `ids` instances, its rows written in one second. */
export function* massTerminate(ids: number): Generator<TimedEvent> {
  const event = fixture('terminateinstances-identitycenteruser.json');
  const instances = Array.from(
    { length: ids },
    (_, i) => `i-0${(0xa000000 + i).toString(16).padStart(16, '0')}`,
  );
  event.requestParameters = { instancesSet: { items: instances.map((instanceId) => ({ instanceId })) } };
  event.responseElements = {
    instancesSet: {
      items: instances.map((instanceId) => ({
        instanceId,
        currentState: { code: 32, name: 'shutting-down' },
        previousState: { code: 16, name: 'running' },
      })),
    },
  };
  yield { second: 0, event };
}

/** (c) A replay writing `rowsPerSecond` rows a second of a trail of `events` events, in trail order. */
export function* replayAtRate(events: number, rowsPerSecond: number): Generator<TimedEvent> {
  let rows = 0;
  for (const { text, records } of syntheticEvents(events, 11)) {
    yield { second: Math.floor(rows / rowsPerSecond), event: JSON.parse(text) };
    rows += records;
  }
}
