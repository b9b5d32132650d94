/**
 * Faults, duplicates and disorder against the real services: DynamoDB Local and the fauxqs
 * SNS emulator. Every test ends by counting what is really in the table and the alert queue.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { ensureTable, localClient, startDynamoDbLocal } from '../../cli/local/dynamodb-local';
import { compilePolicy, parsePolicy } from '../../lambda/domain';
import { METRIC } from '../../lambda/telemetry';
import { loadJson } from '../helpers/fixtures';
import { envelope, pipeline } from '../helpers/pipeline';
import { dynamoClient } from '../helpers/services';

const ROOT_LAUNCH = 'events/runinstances-root-console.json';

async function rowsOf(p: Awaited<ReturnType<typeof pipeline>>, instanceId: string) {
  const rows = [];
  for await (const row of p.queries.lifecycle(instanceId)) rows.push(row);
  return rows;
}

/** Fails the commands named, `times` times, before letting them through. */
function failing(
  client: DynamoDBClient | SNSClient,
  command: string,
  times: number,
  error = 'ServiceUnavailable',
  /** Only requests this says yes to fail (all of the command's by default). */
  when: (input: Record<string, unknown>) => boolean = () => true,
) {
  let left = times;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === command && left > 0 && when(args.input as Record<string, unknown>)) {
        left--;
        throw Object.assign(new Error(`${command} failed (injected)`), {
          name: error,
          $retryable: undefined,
        });
      }
      return next(args);
    },
    { step: 'initialize', name: `fail-${command}-${Math.random()}` },
  );
}

/** An update of an alert marker (its key is `alert#<event>`). */
function alertMark(input: Record<string, unknown>): boolean {
  // Marshalled ({ S: … }) or not, depending on where in the stack the request is.
  const value: unknown = (input.Key as Record<string, unknown> | undefined)?.instanceId;
  const key = typeof value === 'string' ? value : (value as { S?: string } | undefined)?.S;
  return key?.startsWith('alert#') === true;
}

describe('delivery faults, end to end', () => {
  it('keeps one row per instance and one alert when an event is delivered 5 times in a row', async () => {
    const p = await pipeline(dynamoClient());
    const event = envelope(loadJson(ROOT_LAUNCH));
    for (let i = 0; i < 5; i++) await p.handle(structuredClone(event));
    for (const id of ['i-0b1b2c3d4e5f60001', 'i-0b1b2c3d4e5f60002', 'i-0b1b2c3d4e5f60003'])
      expect(await rowsOf(p, id)).toHaveLength(1);
    expect(await p.alerts()).toEqual(['[CRITICAL] root launched 3 × p5.48xlarge in us-east-1']);
    expect(p.metrics.total(METRIC.duplicatesSkipped)).toBe(12);
  });

  it('keeps one row per instance and at most one alert for 5 concurrent deliveries, after their retries', async () => {
    const p = await pipeline(dynamoClient());
    const event = envelope(loadJson(ROOT_LAUNCH));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () => p.handle(structuredClone(event))),
    );
    // A delivery that found the alert in flight failed on purpose; the platform retries it.
    const retried = outcomes
      .filter((o) => o.status === 'rejected')
      .map(() => p.handle(structuredClone(event)));
    await Promise.all(retried);
    for (const id of ['i-0b1b2c3d4e5f60001', 'i-0b1b2c3d4e5f60002', 'i-0b1b2c3d4e5f60003'])
      expect(await rowsOf(p, id)).toHaveLength(1);
    expect(await p.alerts()).toHaveLength(1);
  });

  it('orders the lifecycle by event time when terminate and stop arrive before the launch, and judges the protected tag once it does', async () => {
    const p = await pipeline(dynamoClient());
    const launch = JSON.parse(
      JSON.stringify(loadJson('events/runinstances-iamuser-cli.json')).replaceAll(
        '"Environment","value":"staging"',
        '"Environment","value":"production"',
      ),
    );
    const stop = { ...(loadJson('events/stopinstances-assumedrole-sourceidentity.json') as object) };
    const terminate = loadJson('events/terminateinstances-response-omitted.json');
    await p.handle(envelope(terminate));
    await p.handle(envelope(stop));
    expect(await p.alerts()).toEqual([]);
    const result = await p.handle(envelope(launch));
    expect(result.violations.map((v) => v.message)).toEqual([
      'i-0a1b2c3d4e5f60001 is protected (Environment=production) and was stopped by maria.garcia at 2026-03-06T18:00:00Z (recorded before its launch)',
      'i-0a1b2c3d4e5f60001 is protected (Environment=production) and was terminated by bob at 2026-03-11T16:45:00Z (recorded before its launch)',
      'i-0a1b2c3d4e5f60002 is protected (Environment=production) and was terminated by bob at 2026-03-11T16:45:00Z (recorded before its launch)',
    ]);
    // One alert per protected stop or terminate, said as that event, found when the launch arrived.
    expect((await p.alerts()).sort()).toEqual([
      '[CRITICAL] bob terminated i-0a1b2c3d4e5f60001, i-0a1b2c3d4e5f60002 in eu-west-1',
      // Her source identity is the AssumeRole caller's claim: shown as one, next to the role.
      '[CRITICAL] role Developer (claims to be maria.garcia) stopped i-0a1b2c3d4e5f60001 in eu-west-1',
    ]);
    expect((await rowsOf(p, 'i-0a1b2c3d4e5f60001')).map((r) => r.action)).toEqual([
      'terminate',
      'stop',
      'launch',
    ]);
  });

  it('fails the invocation when a write of a multi-instance launch fails, and the retry completes it exactly', async () => {
    const client = dynamoClient();
    const p = await pipeline(client);
    failing(client, 'PutItemCommand', 1);
    await expect(p.handle(envelope(loadJson(ROOT_LAUNCH)))).rejects.toThrow(
      'PutItemCommand failed (injected)',
    );
    const partial = (
      await Promise.all(
        ['i-0b1b2c3d4e5f60001', 'i-0b1b2c3d4e5f60002', 'i-0b1b2c3d4e5f60003'].map((id) => rowsOf(p, id)),
      )
    ).map((r) => r.length);
    expect(partial.reduce((a, b) => a + b, 0)).toBe(2);
    const retry = await p.handle(envelope(loadJson(ROOT_LAUNCH)));
    expect(retry).toMatchObject({ written: 1, duplicates: 2 });
    for (const id of ['i-0b1b2c3d4e5f60001', 'i-0b1b2c3d4e5f60002', 'i-0b1b2c3d4e5f60003'])
      expect(await rowsOf(p, id)).toHaveLength(1);
    expect(await p.alerts()).toHaveLength(1);
  });

  it('survives throttling on every write: the retries land every row once', async () => {
    const client = dynamoClient();
    const p = await pipeline(client);
    failing(client, 'PutItemCommand', 6, 'ProvisionedThroughputExceededException');
    const event = envelope(loadJson(ROOT_LAUNCH));
    let attempts = 0;
    for (;;) {
      attempts++;
      try {
        await p.handle(structuredClone(event));
        break;
      } catch (error) {
        expect(String(error)).toMatch(/injected|attribution rows failed to write/);
      }
    }
    expect(attempts).toBeGreaterThan(1);
    for (const id of ['i-0b1b2c3d4e5f60001', 'i-0b1b2c3d4e5f60002', 'i-0b1b2c3d4e5f60003'])
      expect(await rowsOf(p, id)).toHaveLength(1);
  });

  it('writes the rows and fails when SNS is down; the retry sends the alert exactly once', async () => {
    const sns = new SNSClient({
      endpoint: process.env.EC2TRAIL_TEST_SNS_ENDPOINT,
      region: 'us-east-1',
      credentials: { accessKeyId: 't', secretAccessKey: 't' },
    });
    failing(sns, 'PublishCommand', 2);
    const p = await pipeline(dynamoClient(), { sns });
    const event = envelope(loadJson(ROOT_LAUNCH));
    await expect(p.handle(structuredClone(event))).rejects.toThrow('PublishCommand failed');
    expect(await rowsOf(p, 'i-0b1b2c3d4e5f60001')).toHaveLength(1);
    await expect(p.handle(structuredClone(event))).rejects.toThrow('PublishCommand failed');
    expect(await p.handle(structuredClone(event))).toMatchObject({
      alert: 'sent',
      written: 0,
      duplicates: 3,
    });
    expect(await p.handle(structuredClone(event))).toMatchObject({ alert: 'already-sent' });
    expect(await p.alerts()).toHaveLength(1);
  });

  it.each([
    ['the default policy (history rules on)', undefined],
    ['a policy without history rules', compilePolicy(parsePolicy({ rules: { rootUser: {} } }, 'test'))],
  ])(
    'publishes once when marking the alert sent fails after the publish, under %s',
    async (_name, policy) => {
      const client = dynamoClient();
      const p = await pipeline(client, policy ? { policy } : {});
      const event = envelope(loadJson(ROOT_LAUNCH));
      // The ledger's mark, right after the publish (the launch count is an UpdateItem too).
      failing(client, 'UpdateItemCommand', 1, 'ServiceUnavailable', alertMark);
      await expect(p.handle(structuredClone(event))).resolves.toMatchObject({ alert: 'sent' });
      // Redeliveries, now and after the lease: the alert was sent, whatever the first mark said.
      await p.handle(structuredClone(event));
      expect(await p.alerts()).toEqual(['[CRITICAL] root launched 3 × p5.48xlarge in us-east-1']);
    },
  );

  it('does not fail the invocation or publish again when every attempt at the mark fails', async () => {
    const client = dynamoClient();
    const p = await pipeline(client);
    const event = envelope(loadJson(ROOT_LAUNCH));
    failing(client, 'UpdateItemCommand', 10, 'ServiceUnavailable', alertMark);
    await expect(p.handle(structuredClone(event))).resolves.toMatchObject({ alert: 'sent' });
    expect(p.metrics.total(METRIC.alertMarkFailures)).toBe(1);
    // Within the lease a redelivery finds the claim still held: it is retried, not re-sent.
    await expect(p.handle(structuredClone(event))).rejects.toThrow(/being sent by another invocation/);
    expect(await p.alerts()).toHaveLength(1);
  });

  it('acknowledges poison events with an error log and a metric, and goes on with the rest', async () => {
    const p = await pipeline(dynamoClient());
    const poison = [
      'not json at all',
      { 'detail-type': 'AWS API Call via CloudTrail', detail: null },
      { 'detail-type': 'AWS API Call via CloudTrail', detail: { eventName: 42, eventSource: [] } },
      [1, 2, 3],
    ];
    for (const event of poison) await expect(p.handle(event)).resolves.toMatchObject({ status: 'malformed' });
    expect(p.metrics.total(METRIC.malformedEvents)).toBe(4);
    expect(p.logger.lines.filter((l) => l.level === 'error')).toHaveLength(4);
    await expect(p.handle(envelope(loadJson('events/stopinstances-awsservice.json')))).resolves.toMatchObject(
      { status: 'recorded', written: 1 },
    );
  });
});

describe('the store going away', () => {
  it('fails while DynamoDB Local is stopped, and after it restarts every row exists once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ec2trail-outage-'));
    let local = await startDynamoDbLocal({ dataDir });
    const table = 'outage';
    const setup = localClient(local.endpoint);
    await ensureTable(setup, table);
    setup.destroy();
    const client = localClient(local.endpoint);
    const p = await pipeline(client, { table });
    await p.handle(envelope(loadJson('events/runinstances-iamuser-cli.json')));
    await local.stop();
    await expect(p.handle(envelope(loadJson(ROOT_LAUNCH)))).rejects.toThrow();
    local = await startDynamoDbLocal({ dataDir, port: local.port });
    await p.handle(envelope(loadJson(ROOT_LAUNCH)));
    for (const id of [
      'i-0a1b2c3d4e5f60001',
      'i-0a1b2c3d4e5f60002',
      'i-0b1b2c3d4e5f60001',
      'i-0b1b2c3d4e5f60002',
      'i-0b1b2c3d4e5f60003',
    ]) {
      expect(await rowsOf(p, id)).toHaveLength(1);
    }
    expect(await p.alerts()).toHaveLength(1);
    client.destroy();
    await local.stop();
  }, 120_000);
});
