/** Shows alerts in the terminal as email and SMS would show them: the local stand-in for SNS. */

import type { AlertMessage, AlertPublisher } from '../lambda/ports';
import type { Output } from './command';

export class ConsolePublisher implements AlertPublisher {
  constructor(private readonly output: Output) {}

  async publish(message: AlertMessage): Promise<void> {
    const rule = '─'.repeat(78);
    await this.output.out(
      [
        rule,
        `ALERT ${message.attributes.severity?.toUpperCase() ?? ''}  (SNS attributes: ${Object.entries(
          message.attributes,
        )
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')})`,
        rule,
        `Email subject: ${message.subject}`,
        '',
        message.email,
        '',
        `SMS (${message.sms.length} characters): ${message.sms}`,
        '',
        '',
      ].join('\n'),
    );
  }
}
