/** The SDK's logger middleware is taken out of the DynamoDB clients: it copied every request for a logger that discards it. */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localClient } from '../../cli/local/dynamodb-local';
import { dynamodbClient } from '../../lambda/runtime/clients';

const names = (client: DynamoDBClient) =>
  client.middlewareStack.identify().map((entry) => entry.split(' ')[0]);

describe('the DynamoDB clients without the SDK logger', () => {
  it('is there on a plain client, so its name is the one removed', () => {
    expect(names(new DynamoDBClient({ region: 'eu-west-1' }))).toContain('loggerMiddleware');
  });

  it.each([
    ['the functions’ client', () => dynamodbClient()],
    ['the CLI’s local client', () => localClient('http://127.0.0.1:9')],
  ])('is gone from %s', (_, make) => {
    expect(names(make())).not.toContain('loggerMiddleware');
  });
});
