/** Secrets stay out of logs and rows; user text never reaches a DynamoDB expression. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbAttributionQueries } from '../../lambda/adapters/dynamodb-attribution-queries';
import { compilePolicy } from '../../lambda/domain';
import { createHandler } from '../../lambda/handler';
import { DEFAULT_POLICY_FILE, readPolicyFile } from '../../lib/policy-file';
import { FakeLog, FakeMetrics, FakePublisher, InMemoryLedger, InMemoryStore } from '../helpers/fakes';
import { loadJson } from '../helpers/fixtures';

/** Mocks made by a test, restored after it whatever its outcome. */
const mocks: { restore(): void }[] = [];
afterEach(() => {
  for (const mock of mocks.splice(0)) mock.restore();
});

const SECRETS = [
  'ASIAEXAMPLEKEY000002',
  'FwoGZXIvYXdzEXAMPLESESSIONTOKEN',
  'IyEvYmluL2Jhc2gKZWNobyBzZWNyZXQ=',
];

describe('sensitive data', () => {
  it('never logs, stores or alerts access keys, session tokens or user data', async () => {
    const event = loadJson('events/runinstances-sso-terraform.json') as Record<string, unknown>;
    const detail = {
      ...event,
      requestParameters: { ...(event.requestParameters as object), userData: SECRETS[2] },
      additionalEventData: { sessionToken: SECRETS[1] },
      warnings: SECRETS,
    };
    const store = new InMemoryStore();
    const logger = new FakeLog();
    const publisher = new FakePublisher();
    const handle = createHandler({
      store,
      ledger: new InMemoryLedger(),
      publisher,
      policy: compilePolicy(readPolicyFile(DEFAULT_POLICY_FILE)),
      logger,
      metrics: new FakeMetrics(),
      clock: () => new Date(),
    });
    await handle({ 'detail-type': 'AWS API Call via CloudTrail', detail });
    await handle({ 'detail-type': 'Something else', detail });
    const everything = JSON.stringify({
      logs: logger.lines,
      keys: logger.keys,
      rows: [...store.rows.values()],
      alerts: publisher.sent,
    });
    expect(publisher.sent).toHaveLength(1);
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
  });
});

describe('queries built from user input', () => {
  it('puts user text only in expression values, never in the expressions', async () => {
    const mocked = mockClient(DynamoDBDocumentClient);
    mocks.push(mocked);
    mocked.on(QueryCommand).resolves({ Items: [] });
    // A table whose move is done: the readers query its own indexes, with no probe of others.
    mocked.on(GetCommand).resolves({ Item: { instanceId: 'ledger#layout', eventTimeId: 'moved' } });
    const hostile = 'x" OR attribute_exists(instanceId) OR "#pk = :who';
    const queries = new DynamoDbAttributionQueries(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
      'table',
    );
    for await (const _ of queries.lifecycle(hostile)) void _;
    for await (const _ of queries.byPerson(hostile, { fromMs: 0, toMs: 1, failed: true, action: 'stop' }))
      void _;
    for await (const _ of queries.recent({ fromMs: 0, toMs: 86_400_000, account: hostile, region: hostile }))
      void _;
    const inputs = mocked.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(inputs.length).toBeGreaterThanOrEqual(4);
    for (const input of inputs) {
      for (const expression of [
        input.KeyConditionExpression,
        input.FilterExpression,
        JSON.stringify(input.ExpressionAttributeNames),
      ]) {
        expect(expression ?? '').not.toContain('attribute_exists');
      }
      expect(JSON.stringify(input.ExpressionAttributeValues)).toContain('attribute_exists');
    }
  });
});
