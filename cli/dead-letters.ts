/** Replays the dead-letter queue through the handler, deleting each message once its event is recorded. */

import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { entriesOf } from '../lambda/domain';
import type { EventSink } from './replay/replayer';

export interface DrainTally {
  processed: number;
  written: number;
  alerts: number;
  /** Messages left in the queue, each reported through `onKept`. */
  kept: number;
}

export interface DrainOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly sink: EventSink;
  /** Stop after this many messages. */
  readonly max?: number;
  readonly onKept: (messageId: string, reason: string) => void;
}

export async function drainDeadLetters(options: DrainOptions): Promise<DrainTally> {
  const { sqs, queueUrl, sink } = options;
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const tally: DrainTally = { processed: 0, written: 0, alerts: 0, kept: 0 };
  // A kept message becomes visible again after the timeout; each pass sees it once.
  const seen = new Set<string>();
  while (tally.processed + tally.kept < max) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.max(1, Math.min(10, max - tally.processed - tally.kept)),
        WaitTimeSeconds: 1,
        VisibilityTimeout: 300,
      }),
    );
    const fresh = (Messages ?? []).filter((m) => !seen.has(m.MessageId ?? ''));
    if (fresh.length === 0) break;
    for (const message of fresh) {
      const id = message.MessageId ?? '(no id)';
      seen.add(id);
      const entries = [...entriesOf({ MessageId: id, Body: message.Body ?? '' })];
      const events = entries.flatMap((e) => (e.kind === 'record' ? [e] : []));
      if (events.length === 0) {
        tally.kept++;
        const why = entries.find((e) => e.kind === 'unrecognized');
        options.onKept(id, why?.kind === 'unrecognized' ? why.reason : 'no CloudTrail event in it');
        continue;
      }
      try {
        for (const event of events) {
          const outcome = await sink({
            record: event.record,
            account: event.context.account ?? null,
            region: event.context.region ?? null,
          });
          tally.written += outcome.written;
          if (outcome.alerted) tally.alerts++;
        }
        await sqs.send(
          new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
        tally.processed++;
      } catch (error) {
        tally.kept++;
        options.onKept(id, error instanceof Error ? error.message : String(error));
      }
    }
  }
  return tally;
}
