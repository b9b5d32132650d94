/**
 * Late causes against DynamoDB Local: the handler fills in initiators when a cause arrives after
 * its effects, and replay writes the same rows whatever the order of the files.
 */

import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { readInputs } from '../../cli/inputs';
import { Replayer } from '../../cli/replay/replayer';
import { DynamoDbAlertLedger } from '../../lambda/adapters/dynamodb-alert-ledger';
import { DynamoDbAttributionStore } from '../../lambda/adapters/dynamodb-attribution-store';
import { DynamoDbBatchImporter } from '../../lambda/adapters/dynamodb-batch-importer';
import { DynamoDbLineageStore } from '../../lambda/adapters/dynamodb-lineage-store';
import { compilePolicy, parsePolicy } from '../../lambda/domain';
import { createHandler } from '../../lambda/handler';
import { restoreRow } from '../../lambda/schema/row-codec';
import { FakeLog, FakeMetrics, FakePublisher } from '../helpers/fakes';
import { documentClient, dynamoClient, freshTable } from '../helpers/services';
import { eventsOf, permutations, scenarioFiles } from '../lineage/fixture-trails';

const client = dynamoClient();
const documents = documentClient(client);
afterAll(() => client.destroy());

/** JSON with keys sorted: DynamoDB returns a map's keys in no particular order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

async function attributionRows(table: string) {
  const rows: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
    rows.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  // Attribution rows only (not causes, pointers or markers), without what depends on when they were written.
  return (
    rows
      .filter((r) => typeof r.eventKey === 'string' && !String(r.instanceId).startsWith('res#'))
      // As readers see them: a compact row and a whole one with the same fields are the same row.
      .map((r) => restoreRow(r))
      .map(({ recordedAt: _r, ...rest }) => rest)
      .sort((a, b) => `${a.instanceId}|${a.eventTimeId}`.localeCompare(`${b.instanceId}|${b.eventTimeId}`))
  );
}

/** The rows of one instance, read consistently. */
function rowsOfInstance(table: string, instanceId: string) {
  return documents.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'instanceId = :i',
      ExpressionAttributeValues: { ':i': instanceId },
      ConsistentRead: true,
    }),
  );
}

/** The function's handler on `table`, linking through the table, as deployed. */
function handlerOn(
  table: string,
  options: { publisher?: FakePublisher; policy?: ReturnType<typeof compilePolicy> } = {},
) {
  return createHandler({
    store: new DynamoDbAttributionStore(documents, table),
    ledger: new DynamoDbAlertLedger(documents, table),
    publisher: options.publisher ?? new FakePublisher(),
    policy: options.policy ?? compilePolicy({ rules: {} }),
    logger: new FakeLog(),
    metrics: new FakeMetrics(),
    clock: () => new Date('2026-03-03T00:00:00Z'),
    lineage: new DynamoDbLineageStore(documents, table),
  });
}

describe('linking through DynamoDB Local', () => {
  it('fills in the initiator when the cause arrives after its effects', async () => {
    const table = await freshTable(client, 'lineage');
    const handle = handlerOn(table);
    // The EKS trail backwards: the launch, then EKS's group, then alice's node group.
    for (const event of eventsOf(scenarioFiles('eks')).reverse()) {
      const result = await handle({ 'detail-type': 'AWS API Call via CloudTrail', detail: event });
      expect(result.status).toBe('recorded');
    }
    const launch = await rowsOfInstance(table, 'i-0e00000000000e001');
    const row = launch.Items?.[0];
    expect(row?.initiator).toMatchObject({ name: 'alice@example.com', eventName: 'CreateNodegroup' });
    // The launch is alice's now: under her byPerson key, whole.
    expect(row?.person).toBe('alice@example.com');
    // Her calls and what services did for her: one Query.
    const page = await documents.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'byPerson',
        KeyConditionExpression: 'person = :n',
        ExpressionAttributeValues: { ':n': 'alice@example.com' },
      }),
    );
    const forAlice = page.Items ?? [];
    // Her CreateNodegroup, the node group's CreateAutoScalingGroup and the group's launch.
    expect(forAlice.map((i) => i.eventName).sort()).toEqual([
      'CreateAutoScalingGroup',
      'CreateNodegroup',
      'RunInstances',
    ]);
  }, 60_000);

  it('links a cause and its effect delivered at the same moment to two invocations', async () => {
    // The asg trail's SetDesiredCapacity by bob and the launch 30 s later, renamed each round.
    const [, setCapacity, launch] = eventsOf(scenarioFiles('asg').slice(1)) as Record<string, unknown>[];
    if (!setCapacity || !launch) throw new Error('fixture events missing');
    const table = await freshTable(client, 'lineage-race');
    const invocation = () => handlerOn(table);
    const [one, two] = [invocation(), invocation()];
    const rounds = 20;
    for (let round = 0; round < rounds; round++) {
      const group = `race-asg-${round}`;
      const rename = (event: Record<string, unknown>, id: string) =>
        JSON.parse(
          JSON.stringify(event)
            .replaceAll('"web-asg"', `"${group}"`)
            .replace(/"eventID":"[^"]+"/, `"eventID":"${id}"`),
        );
      const instance = `i-0${String(round).padStart(16, '0')}`;
      const effect = JSON.parse(
        JSON.stringify(rename(launch, `launch-${round}`)).replaceAll('i-0a00000000000a002', instance),
      );
      await Promise.all([
        one({ 'detail-type': 'AWS API Call via CloudTrail', detail: rename(setCapacity, `cause-${round}`) }),
        two({ 'detail-type': 'AWS API Call via CloudTrail', detail: effect }),
      ]);
      const rows = await rowsOfInstance(table, instance);
      expect({ round, initiator: rows.Items?.[0]?.initiator?.name }).toEqual({ round, initiator: 'bob' });
    }
  }, 120_000);

  it('links a two-hop chain whose three calls reach three invocations at the same moment', async () => {
    // The EKS trail: alice's node group, EKS's Auto Scaling group for it, Auto Scaling's launch.
    const events = eventsOf(scenarioFiles('eks')) as Record<string, unknown>[];
    const table = await freshTable(client, 'lineage-chain-race');
    const invocation = () => handlerOn(table);
    const handlers = events.map(() => invocation());
    const rounds = 12;
    const found: { round: number; initiator: unknown }[] = [];
    for (let round = 0; round < rounds; round++) {
      const instance = `i-0${String(round + 100).padStart(16, '0')}`;
      // Fresh names each round, so rounds never see each other's causes.
      const renamed = events.map((event, i) =>
        JSON.parse(
          JSON.stringify(event)
            .replaceAll('"workers"', `"workers-${round}"`)
            .replaceAll('eks-workers-5ac6a1b2-0000-1111-2222-333344445555', `eks-workers-round-${round}`)
            .replaceAll('i-0e00000000000e001', instance)
            .replace(/"eventID":"[^"]+"/, `"eventID":"chain-${round}-${i}"`),
        ),
      );
      // Rotate who starts first, so every call is sometimes the first to land.
      const order = renamed.map((_, i) => (i + round) % renamed.length);
      await Promise.all(
        order.map((i) => handlers[i]?.({ 'detail-type': 'AWS API Call via CloudTrail', detail: renamed[i] })),
      );
      const rows = await rowsOfInstance(table, instance);
      found.push({ round, initiator: rows.Items?.[0]?.initiator?.name ?? null });
    }
    expect(found).toEqual(
      Array.from({ length: rounds }, (_, round) => ({ round, initiator: 'alice@example.com' })),
    );
  }, 120_000);

  it('judges the person behind a launch by what the table kept of their call', async () => {
    // The asg trail in time order. alice's CreateAutoScalingGroup is a console call without MFA
    // (b-changes.json); the launch of i-…a001 35 s later is Auto Scaling's, found through the
    // cause the table kept. bob's changes come from the CLI; i-…a003 is automatic.
    const run = async (asIamUser: boolean) => {
      const table = await freshTable(client, 'lineage-policy');
      const publisher = new FakePublisher();
      const handle = handlerOn(table, {
        publisher,
        policy: compilePolicy(parsePolicy({ rules: { consoleWithoutMfa: {}, serviceLaunches: {} } }, 'test')),
      });
      const events = eventsOf(scenarioFiles('asg')) as {
        eventTime: string;
        userIdentity: Record<string, unknown>;
      }[];
      for (const event of [...events].sort((a, b) => a.eventTime.localeCompare(b.eventTime))) {
        const identity = event.userIdentity;
        // In the fixture alice signs in through IAM Identity Center; here, as an IAM user.
        const alice = asIamUser && String(identity.arn).endsWith('/alice@example.com');
        const detail = alice
          ? {
              ...event,
              userIdentity: {
                ...identity,
                type: 'IAMUser',
                principalId: 'AIDAEXAMPLEALICE',
                arn: 'arn:aws:iam::111122223333:user/alice',
                userName: 'alice',
              },
            }
          : event;
        await handle({ 'detail-type': 'AWS API Call via CloudTrail', detail });
      }
      return publisher.sent.map((m) => ({
        rules: m.attributes.rules,
        initiator: m.attributes.initiator,
        action: m.attributes.action,
        about: m.email.includes('i-0a00000000000a001') ? 'i-0a00000000000a001' : null,
      }));
    };
    // Her own call, and the launch she caused; nothing for bob's, nothing for the automatic one.
    expect(await run(true)).toEqual([
      { rules: 'consoleWithoutMfa', initiator: 'alice', action: 'service-change', about: null },
      { rules: 'consoleWithoutMfa', initiator: 'alice', action: 'launch', about: 'i-0a00000000000a001' },
    ]);
    // Through IAM Identity Center CloudTrail records "mfaAuthenticated: false" whatever the
    // identity provider required: nothing can be judged, so nothing is alerted.
    expect(await run(false)).toEqual([]);
  }, 60_000);

  it.each(['asg', 'eks', 'cloudformation'])(
    'replays the %s trail to the same rows in every file order',
    async (scenario) => {
      let reference: string | null = null;
      for (const order of permutations(scenarioFiles(scenario))) {
        const table = await freshTable(client, 'lineage-order');
        const replayer = new Replayer({
          importer: new DynamoDbBatchImporter(documents, table),
          lineage: new DynamoDbLineageStore(documents, table),
          ingestedBy: 'replay',
          now: () => new Date('2026-03-03T00:00:00Z'),
        });
        await replayer.run(readInputs(order));
        expect(replayer.tally.unwritten).toBe(0);
        const rows = canonical(await attributionRows(table));
        reference ??= rows;
        if (rows !== reference) {
          const a = JSON.parse(reference) as Record<string, unknown>[];
          const b = JSON.parse(rows) as Record<string, unknown>[];
          const diffs = a.flatMap((x, i) =>
            Object.keys({ ...x, ...b[i] })
              .filter((k) => JSON.stringify(x[k]) !== JSON.stringify(b[i]?.[k]))
              .map(
                (k) => `${String(x.eventName)} ${k}: ${JSON.stringify(x[k])} / ${JSON.stringify(b[i]?.[k])}`,
              ),
          );
          throw new Error(
            `rows differ in file order ${order.map((f) => f.split('/').pop()).join(', ')}:\n${diffs.join('\n')}`,
          );
        }
      }
      // And the rows carry the people, not only the same answer each time.
      expect(reference).toContain('"initiator":{');
    },
    120_000,
  );
});
