import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { chatNotificationOf } from '../domain/chat-notification';
import type { AlertMessage, AlertPublisher } from '../ports';

/**
 * Publishes alerts with `MessageStructure: json`, so email subscribers get the readable body,
 * SMS subscribers the short text, and everything else the machine-readable JSON. With `chat`,
 * HTTPS subscribers (chat applications subscribe so) get the chat custom notification instead.
 */
export class SnsAlertPublisher implements AlertPublisher {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
    private readonly options: { readonly chat?: boolean } = {},
  ) {}

  async publish(message: AlertMessage): Promise<void> {
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: message.subject,
        MessageStructure: 'json',
        Message: JSON.stringify({
          default: message.json,
          email: message.email,
          sms: message.sms,
          ...(this.options.chat ? { https: chatNotificationOf(message) } : {}),
        }),
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
