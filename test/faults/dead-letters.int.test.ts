/** The dead-letter queue drained through the handler: fauxqs SQS and SNS, DynamoDB Local. */
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { drainDeadLetters } from '../../cli/dead-letters';
import { CLOUDTRAIL_DETAIL_TYPE } from '../../lambda/domain';
import { loadJson } from '../helpers/fixtures';
import { envelope, pipeline } from '../helpers/pipeline';
import { dynamoClient, sqsClient } from '../helpers/services';

describe('draining the dead-letter queue', () => {
  it('records and alerts the events of both DLQ shapes, deletes them, and keeps what it cannot process', async () => {
    const p = await pipeline(dynamoClient());
    const sqs = sqsClient();
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `dlq-${Date.now()}` }));
    if (!QueueUrl) throw new Error('no queue');
    // What EventBridge puts in the DLQ: the event itself.
    await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: JSON.stringify(envelope(loadJson('events/runinstances-root-console.json'))),
      }),
    );
    // What Lambda's on-failure destination puts there: the event inside a record of the failure.
    await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: JSON.stringify({
          version: '1.0',
          timestamp: '2026-03-12T06:00:05.000Z',
          requestContext: {
            requestId: 'r-1',
            functionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:x',
            condition: 'RetriesExhausted',
            approximateInvokeCount: 3,
          },
          requestPayload: {
            'detail-type': CLOUDTRAIL_DETAIL_TYPE,
            detail: loadJson('events/stopinstances-awsservice.json'),
          },
          responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
          responsePayload: { errorType: 'ServiceUnavailable', errorMessage: 'DynamoDB was down' },
        }),
      }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'this is not an event' }));

    const kept: string[] = [];
    const handle = p.handle;
    const tally = await drainDeadLetters({
      sqs,
      queueUrl: QueueUrl,
      sink: async ({ record, account, region }) => {
        const result = await handle({
          'detail-type': CLOUDTRAIL_DETAIL_TYPE,
          account,
          region,
          detail: record,
        });
        return { written: result.written, duplicates: result.duplicates, alerted: result.alert === 'sent' };
      },
      onKept: (_id, reason) => kept.push(reason),
    });
    expect(tally).toEqual({ processed: 2, written: 4, alerts: 1, kept: 1 });
    expect(kept).toEqual([expect.stringMatching(/^SQS message body is not JSON/)]);
    expect(await p.alerts()).toEqual(['[CRITICAL] root launched 3 × p5.48xlarge in us-east-1']);
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    expect(
      Number(Attributes?.ApproximateNumberOfMessages) +
        Number(Attributes?.ApproximateNumberOfMessagesNotVisible),
    ).toBe(1);
  });
});
