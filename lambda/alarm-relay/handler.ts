/** The alarm relay: CloudWatch alarm notifications in (through SNS), alerts with a severity out. */

import * as z from 'zod/mini';
import { renderAlarmNotification } from '../domain/alarm';
import type { AlertPublisher } from '../ports';
import type { Log } from '../telemetry';

const SnsEventSchema = z.object({
  Records: z.array(z.object({ Sns: z.object({ MessageId: z.optional(z.string()), Message: z.string() }) })),
});

export interface AlarmRelayDeps {
  readonly publisher: AlertPublisher;
  readonly logger: Log;
}

export interface AlarmRelayResult {
  readonly relayed: number;
}

/** Thrown for an invocation that is not an SNS event: Lambda retries it and then keeps it in its destination. */
export class NotAnSnsEventError extends Error {
  override readonly name = 'NotAnSnsEventError';
}

/**
 * Builds the relay. Every message is published, readable or not; a failed publish is rethrown
 * so Lambda retries the whole notification (a repeat of an alarm is better than its loss).
 */
export function createAlarmRelay(deps: AlarmRelayDeps): (event: unknown) => Promise<AlarmRelayResult> {
  return async function relay(event: unknown): Promise<AlarmRelayResult> {
    const parsed = SnsEventSchema.safeParse(event);
    if (!parsed.success) {
      deps.logger.error('Alarm relay invoked with something other than an SNS event', {
        problems: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
      });
      throw new NotAnSnsEventError('expected an SNS event with Records[].Sns.Message');
    }
    for (const { Sns } of parsed.data.Records) {
      const alert = renderAlarmNotification(Sns.Message);
      await deps.publisher.publish(alert);
      deps.logger.info('Alarm notification relayed', {
        messageId: Sns.MessageId,
        severity: alert.attributes.severity,
        subject: alert.subject,
      });
    }
    return { relayed: parsed.data.Records.length };
  };
}
