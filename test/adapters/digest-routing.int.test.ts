/**
 * The scheduled digest end to end on real parts: the example trail's log files go through the
 * attribution handler into DynamoDB Local (alerts and their markers included), the digest
 * handler reads a week back from 12 March 2026 and publishes on the SNS emulator, and queues
 * subscribed with the stack's own filter policies show who receives what. Counts are the hand
 * counts of test/cli/digest.test.ts (the same trail).
 */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { DynamoDbAttributionQueries } from '../../lambda/adapters/dynamodb-attribution-queries';
import { DynamoDbSentAlerts } from '../../lambda/adapters/dynamodb-sent-alerts';
import { SnsAlertPublisher } from '../../lambda/adapters/sns-alert-publisher';
import { createDigestHandler } from '../../lambda/digest/handler';
import { type ForgottenInstance, snapshotOf } from '../../lambda/domain/inventory/snapshot';
import { personFilterPolicy, teamFilterPolicy } from '../../lambda/domain/person-filter';
import { ROOT } from '../helpers/cli';
import { FakeLog } from '../helpers/fakes';
import { envelope, pipeline } from '../helpers/pipeline';
import { documentClient, dynamoClient, snsClient } from '../helpers/services';
import { receive, subscribedQueue } from '../helpers/sns-queues';

function trailRecords(dir: string): unknown[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return trailRecords(path);
    return (JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as { Records: unknown[] }).Records;
  });
}

const forgottenOf = (instanceId: string, person: string | null): ForgottenInstance => ({
  instanceId,
  account: '111122223333',
  region: 'eu-west-1',
  instanceType: 'm5.large',
  person,
  service: null,
  launchedAt: '2026-01-05T00:00:00Z',
  lastTouch: null,
  hourlyUsd: 0.1,
});

async function drain(queueUrl: string) {
  const all = [];
  for (let batch = await receive(queueUrl); batch.length > 0; batch = await receive(queueUrl, 0))
    all.push(...batch);
  return all;
}

describe('scheduled digests on DynamoDB Local and the SNS emulator', () => {
  it('sends the team its digest and each person theirs, through the stack’s filter policies', async () => {
    const client = dynamoClient();
    const flow = await pipeline(client);
    for (const record of trailRecords(join(ROOT, 'examples', 'AWSLogs'))) await flow.handle(envelope(record));

    const suffix = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const { TopicArn } = await snsClient().send(new CreateTopicCommand({ Name: `digests-${suffix}` }));
    if (!TopicArn) throw new Error('no topic');
    const settings = { sessionNameIsEmail: true, minSeverity: 'warning' as const, digests: true };
    const team = await subscribedQueue(TopicArn, `team-${suffix}`, teamFilterPolicy('warning', true));
    const jane = await subscribedQueue(
      TopicArn,
      `jane-${suffix}`,
      personFilterPolicy({ email: 'jane.doe@example.com', names: [], arnPrefixes: [] }, settings),
    );
    const alice = await subscribedQueue(
      TopicArn,
      `alice-${suffix}`,
      personFilterPolicy(
        { email: 'alice@example.com', names: [], arnPrefixes: ['arn:aws:iam::111122223333:user/alice'] },
        settings,
      ),
    );

    const documents = documentClient(client);
    const digest = createDigestHandler({
      source: new DynamoDbAttributionQueries(documents, flow.table),
      sent: new DynamoDbSentAlerts(documents, flow.table),
      publisher: new SnsAlertPublisher(snsClient(), TopicArn),
      logger: new FakeLog(),
      clock: () => new Date('2026-03-12T00:00:00Z'),
      personal: true,
    });
    const result = await digest({ period: 'weekly' });
    // The team's, and one for each person who did something in the week (5 to 12 March).
    expect(result).toMatchObject({
      period: 'weekly',
      from: '2026-03-05T00:00:00.000Z',
      people: expect.any(Number),
    });
    expect(result.published).toBe(result.people + 1);

    const teamGot = await drain(team);
    expect(teamGot.map((m) => m.MessageAttributes.scope.Value)).toEqual(['team']);
    const teamDigest = JSON.parse(JSON.parse(teamGot[0].Message).default);
    // 5–12 March: contractor-bob's refused launch, one stop, one start, three terminated.
    expect(teamDigest.totals).toEqual({
      launchCalls: 0,
      instancesLaunched: 0,
      stops: 1,
      starts: 1,
      terminations: 3,
      failedAttempts: 1,
      alerts: 1,
    });
    // jane launched on 3 March, alice on 2 March: outside the week, so no digest for either.
    expect(await drain(jane)).toEqual([]);
    expect(await drain(alice)).toEqual([]);

    // The daily digest of 3 March is jane's day: she gets hers, alice gets none.
    const daily = createDigestHandler({
      source: new DynamoDbAttributionQueries(documents, flow.table),
      sent: new DynamoDbSentAlerts(documents, flow.table),
      publisher: new SnsAlertPublisher(snsClient(), TopicArn),
      logger: new FakeLog(),
      clock: () => new Date('2026-03-04T00:00:00Z'),
      personal: true,
      // The inventory of that morning: one instance of jane's and one of nobody's, forgotten.
      snapshots: {
        latest: async () =>
          snapshotOf({
            takenAt: '2026-03-03T23:00:00.000Z',
            regions: ['eu-west-1'],
            failedRegions: [],
            coverage: {
              instances: 2,
              withPerson: 1,
              percent: 50,
              byEvidence: { table: 1 },
              unknownByReason: {},
            },
            running: 2,
            runningHourlyUsd: 0.2,
            forgottenAfterDays: 30,
            forgotten: [forgottenOf('i-0jane', 'jane.doe@example.com'), forgottenOf('i-0nobody', null)],
          }),
      },
    });
    await daily({ period: 'daily' });
    const janeGot = await drain(jane);
    expect(janeGot.map((m) => [m.MessageAttributes.kind.Value, m.MessageAttributes.person.Value])).toEqual([
      ['digest', 'jane.doe@example.com'],
    ]);
    const janeDigest = JSON.parse(JSON.parse(janeGot[0].Message).default);
    expect(janeDigest.totals).toMatchObject({
      instancesLaunched: 1,
      alerts: 1,
    });
    // Her digest names her forgotten instance only; the team's names both.
    expect(janeDigest.forgotten.instances.map((i: { instanceId: string }) => i.instanceId)).toEqual([
      'i-0jane',
    ]);
    expect(await drain(alice)).toEqual([]);
    const teamDaily = await drain(team);
    expect(teamDaily.map((m) => m.MessageAttributes.scope.Value)).toEqual(['team']);
    const teamEmail = JSON.parse(teamDaily[0].Message).email as string;
    expect(teamEmail).toContain(
      'Running for a long time, untouched (more than 30 days; inventory of 2026-03-03 23:00 UTC, 1 region)',
    );
    expect(teamEmail).toContain(
      '  2 instances in all, about USD 146.00 a month at list prices (an estimate)',
    );
    client.destroy();
  });

  it('goes out without the forgotten section when the snapshot cannot be read', async () => {
    const published: { json: string }[] = [];
    const logger = new FakeLog();
    const handler = createDigestHandler({
      source: { recent: async function* () {} },
      sent: { sentFor: async () => new Map() },
      publisher: { publish: async (m) => void published.push(m) },
      logger,
      personal: false,
      snapshots: {
        latest: async () => {
          throw new Error('ProvisionedThroughputExceededException');
        },
      },
    });
    await handler({ period: 'daily' });
    expect(published).toHaveLength(1);
    expect(JSON.parse(published[0]?.json ?? '{}').forgotten).toBeUndefined();
    expect(JSON.stringify(logger.lines)).toContain('The inventory snapshot could not be read');
  });

  it('refuses an invocation that names no period, and publishes nothing', async () => {
    const published: unknown[] = [];
    const handler = createDigestHandler({
      source: { recent: async function* () {} },
      sent: { sentFor: async () => new Map() },
      publisher: { publish: async (m) => void published.push(m) },
      logger: new FakeLog(),
      personal: false,
    });
    await expect(handler({ period: 'hourly' })).rejects.toThrow('expected {"period": "daily"}');
    expect(published).toEqual([]);
  });
});
