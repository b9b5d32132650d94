import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertMessage, AlertPublisher } from '../ports';

/**
 * Publishes alerts with `MessageStructure: json`, so email subscribers get the readable body,
 * SMS subscribers the short text, and everything else the machine-readable JSON.
 */
export class SnsAlertPublisher implements AlertPublisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(message: AlertMessage): Promise<void> {
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: message.subject,
        MessageStructure: 'json',
        Message: JSON.stringify({ default: message.json, email: message.email, sms: message.sms }),
        MessageAttributes: Object.fromEntries(
          Object.entries(message.attributes).map(([name, value]) => [
            name,
            { DataType: 'String', StringValue: value },
          ]),
        ),
      }),
    );
  }
}
