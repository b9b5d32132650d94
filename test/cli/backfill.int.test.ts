import { backfillInputs, LOOKUP_INTERVAL_MS, RateLimiter } from '../../cli/backfill/backfill';
import type { EventHistory, EventHistoryPage } from '../../cli/backfill/event-history';
import { Replayer } from '../../cli/replay/replayer';
import { DynamoDbBatchImporter } from '../../lambda/adapters/dynamodb-batch-importer';
import { fakeClock } from '../helpers/fake-clock';
import { loadJson } from '../helpers/fixtures';
import { documentClient, dynamoClient, freshTable } from '../helpers/services';

/** LookupEvents in memory: pages of two, and throttling on chosen calls. */
class FakeHistory implements EventHistory {
  readonly calls: { eventName: string; at: number; token?: string }[] = [];
  constructor(
    private readonly byName: Record<string, string[]>,
    private readonly clock: { now: () => number },
    private readonly throttleCalls: ReadonlySet<number> = new Set(),
  ) {}

  async lookup(eventName: string, start: Date, end: Date, nextToken?: string): Promise<EventHistoryPage> {
    this.calls.push({ eventName, at: this.clock.now(), ...(nextToken ? { token: nextToken } : {}) });
    if (this.throttleCalls.has(this.calls.length))
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    expect(end.getTime() - start.getTime()).toBe(3 * 86_400_000);
    const all = this.byName[eventName] ?? [];
    const offset = nextToken ? Number(nextToken) : 0;
    return {
      events: all.slice(offset, offset + 2),
      ...(offset + 2 < all.length ? { nextToken: String(offset + 2) } : {}),
    };
  }
}

const text = (fixture: string, eventID: string) =>
  JSON.stringify({ ...(loadJson(fixture) as object), eventID });

const HISTORY = {
  RunInstances: [
    text('events/runinstances-iamuser-cli.json', 'b-1'),
    text('events/runinstances-root-console.json', 'b-2'),
    text('events/runinstances-dryrun.json', 'b-3'),
  ],
  StopInstances: [text('events/stopinstances-awsservice.json', 'b-4')],
  TerminateInstances: [text('events/terminateinstances-response-omitted.json', 'b-5')],
};

describe('backfill from CloudTrail Event history', () => {
  it('asks one event name at a time, follows pages, and never exceeds 2 requests per second', async () => {
    const clock = fakeClock();
    const history = new FakeHistory(HISTORY, clock);
    const files = [];
    for await (const file of backfillInputs(history, { days: 3, ...clock })) files.push(file);
    const asked = history.calls.map((c) => `${c.eventName}${c.token ? `@${c.token}` : ''}`);
    expect(asked.slice(0, 7)).toEqual([
      'RunInstances',
      'RunInstances@2',
      'StartInstances',
      'StopInstances',
      'TerminateInstances',
      'RebootInstances',
      'SendSSHPublicKey',
    ]);
    // Then the changes that make services launch: the calls the issue names, listed by hand.
    expect(asked.slice(7)).toEqual(
      expect.arrayContaining([
        'CreateAutoScalingGroup',
        'UpdateAutoScalingGroup',
        'SetDesiredCapacity',
        'DeleteAutoScalingGroup',
        'TerminateInstanceInAutoScalingGroup',
        'StartInstanceRefresh',
        'AttachInstances',
        'DetachInstances',
        'CreateStack',
        'UpdateStack',
        'DeleteStack',
        'ExecuteChangeSet',
        'CreateNodegroup',
        'UpdateNodegroupConfig',
        'DeleteNodegroup',
        'CreateFleet',
        'ModifyFleet',
        'DeleteFleets',
        'RequestSpotFleet',
        'ModifySpotFleetRequest',
        'CancelSpotFleetRequests',
        'RequestSpotInstances',
        'CreateEnvironment',
        'UpdateEnvironment',
        'TerminateEnvironment',
        'RunJobFlow',
        'TerminateJobFlows',
      ]),
    );
    expect(new Set(asked).size).toBe(asked.length);
    for (let i = 1; i < history.calls.length; i++) {
      expect((history.calls[i]?.at ?? 0) - (history.calls[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(
        LOOKUP_INTERVAL_MS,
      );
    }
    expect(files.flatMap((f) => f.items)).toHaveLength(5);
  });

  it('backs off and retries when throttled', async () => {
    const clock = fakeClock();
    const history = new FakeHistory(HISTORY, clock, new Set([2, 3]));
    const throttles: number[] = [];
    const files = [];
    for await (const file of backfillInputs(history, {
      days: 3,
      ...clock,
      onThrottle: (_n, _a, wait) => throttles.push(wait),
    }))
      files.push(file);
    expect(throttles).toEqual([1000, 2000]);
    expect(history.calls[2]?.at ?? 0).toBeGreaterThanOrEqual((history.calls[1]?.at ?? 0) + 1000);
    expect(files.flatMap((f) => f.items)).toHaveLength(5);
  });

  it('gives up after the retries with the service error', async () => {
    const clock = fakeClock();
    const history = new FakeHistory(HISTORY, clock, new Set([1, 2, 3]));
    const run = async () => {
      for await (const _ of backfillInputs(history, { days: 3, ...clock, maxRetries: 2 })) void _;
    };
    await expect(run()).rejects.toThrow('Rate exceeded');
  });

  it('writes the events into the table idempotently, marked as backfill', async () => {
    const client = dynamoClient();
    const documents = documentClient(client);
    const table = await freshTable(client, 'backfill');
    const runOnce = async () => {
      const clock = fakeClock();
      const replayer = new Replayer({
        importer: new DynamoDbBatchImporter(documents, table),
        ingestedBy: 'backfill',
        now: () => new Date(),
      });
      await replayer.run(backfillInputs(new FakeHistory(HISTORY, clock), { days: 3, ...clock }));
      return replayer.tally;
    };
    const first = await runOnce();
    expect(first).toMatchObject({ events: 5, lifecycleEvents: 5, written: 9, duplicates: 0 });
    const second = await runOnce();
    expect(second).toMatchObject({ written: 0, duplicates: 9 });
    client.destroy();
  });

  it('spaces calls with the rate limiter even when the caller is fast', async () => {
    const clock = fakeClock(0);
    const limiter = new RateLimiter(500, clock.now, clock.sleep);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await limiter.wait();
      times.push(clock.now());
    }
    expect(times).toEqual([0, 500, 1000, 1500, 2000]);
  });
});
