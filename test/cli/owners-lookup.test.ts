/**
 * Event history's pace for `owners`: LookupEvents allows 2 requests a second per account and
 * region (CloudTrail API reference, "LookupEvents"). On a fake clock, where sleeping advances
 * time, every request of a region is at least 500 ms after the one before, a throttle pushes the
 * next one back, and a region that keeps refusing is reported as unreadable, not thrown.
 */

import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { RegionEventHistory } from '../../lambda/inventory/launch-lookup';
import { fakeClock } from '../helpers/fake-clock';

/** The one call RegionEventHistory makes, answered in memory, with the fake time of each. */
function fakeCloudTrail(answer: (call: number) => object | Error, clock: { now: () => number }) {
  const calls: { at: number; input: Record<string, unknown> }[] = [];
  const client = {
    async send(command: { input: Record<string, unknown> }) {
      calls.push({ at: clock.now(), input: command.input });
      const result = answer(calls.length);
      if (result instanceof Error) throw result;
      return result;
    },
  };
  return { client: client as unknown as CloudTrailClient, calls };
}

const throttle = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
const launch = (id: string) => ({
  Events: [{ CloudTrailEvent: JSON.stringify({ eventName: 'RunInstances', responseElements: { id } }) }],
});

describe('Event history for owners', () => {
  it('sends a region at most 2 requests a second, asks by instance id, and follows pages', async () => {
    const clock = fakeClock();
    const { client, calls } = fakeCloudTrail(
      (n) => (n === 2 ? { ...launch('i-2'), NextToken: 'page-2' } : launch(`i-${n}`)),
      clock,
    );
    const history = new RegionEventHistory(client, clock);
    for (const id of ['i-1', 'i-2', 'i-3']) await history.lookup(id, clock.now() - 86_400_000);
    expect(
      calls.map((c) => (c.input.LookupAttributes as { AttributeValue: string }[])[0]?.AttributeValue),
    ).toEqual(['i-1', 'i-2', 'i-2', 'i-3']);
    expect(calls[2]?.input.NextToken).toBe('page-2');
    for (let i = 1; i < calls.length; i++)
      expect((calls[i]?.at ?? 0) - (calls[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(500);
    expect(history.requests).toBe(4);
  });

  it('waits out a throttle before asking again, then answers', async () => {
    const clock = fakeClock();
    const { client, calls } = fakeCloudTrail((n) => (n === 1 ? throttle() : launch('i-1')), clock);
    const found = await new RegionEventHistory(client, clock).lookup('i-1', clock.now() - 1_000);
    expect(found).toMatchObject({ status: 'read', records: [{ eventName: 'RunInstances' }] });
    // The first retry waits 1 s (backoff base), more than the pace's 500 ms.
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(1_000);
  });

  it('reports a region that keeps refusing as unreadable after its retries', async () => {
    const clock = fakeClock();
    const denied = Object.assign(new Error('not authorized to perform cloudtrail:LookupEvents'), {
      name: 'AccessDeniedException',
    });
    const { client, calls } = fakeCloudTrail(() => denied, clock);
    const found = await new RegionEventHistory(client, clock).lookup('i-1', clock.now() - 1_000);
    expect(found).toEqual({
      status: 'unreadable',
      error: 'AccessDeniedException: not authorized to perform cloudtrail:LookupEvents',
    });
    // Not a throttle: asked once.
    expect(calls).toHaveLength(1);
    const { client: busy, calls: tries } = fakeCloudTrail(() => throttle(), clock);
    expect((await new RegionEventHistory(busy, clock, 3).lookup('i-1', clock.now() - 1_000)).status).toBe(
      'unreadable',
    );
    expect(tries).toHaveLength(4);
  });
});
