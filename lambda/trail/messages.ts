/**
 * What reaches the trail-file function, validated at the boundary: SQS messages announcing a new
 * log file (S3's EventBridge "Object Created" event, or a plain S3 event notification), and the
 * batches of objects a Step Functions Distributed Map hands over during a backfill.
 */

import { z } from 'zod';

/** One log file to read. */
export interface LogFileRef {
  readonly bucket: string;
  readonly key: string;
  /** When S3 announced the object, when known (epoch ms). */
  readonly createdAtMs: number | null;
  /**
   * Who wrote the object, as S3 announced it: the EventBridge event's `requester` (an account id,
   * or a service principal such as `cloudtrail.amazonaws.com`), or a notification's
   * `userIdentity.principalId`. Null when the caller is a backfill, which lists the bucket itself.
   */
  readonly writer: Writer | null;
}

export type Writer =
  | { readonly field: 'requester'; readonly value: string | null }
  | { readonly field: 'principalId'; readonly value: string | null };

const EventBridgeObjectCreated = z.object({
  'detail-type': z.literal('Object Created'),
  source: z.literal('aws.s3'),
  time: z.string().optional(),
  detail: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({ key: z.string().min(1) }),
    requester: z.string().optional(),
  }),
});

const S3Notification = z.object({
  Records: z
    .array(
      z.object({
        eventName: z.string(),
        eventTime: z.string().optional(),
        userIdentity: z.object({ principalId: z.string().optional() }).optional(),
        s3: z.object({
          bucket: z.object({ name: z.string().min(1) }),
          object: z.object({ key: z.string().min(1) }),
        }),
      }),
    )
    .min(1),
});

/** S3 sends this once when a notification is configured; it announces no object. */
const S3TestEvent = z.object({ Event: z.literal('s3:TestEvent') });

export type MessageContent =
  | { readonly kind: 'files'; readonly files: readonly LogFileRef[] }
  | { readonly kind: 'test' }
  | { readonly kind: 'malformed'; readonly reason: string };

function timeOf(text: string | undefined): number | null {
  const ms = text === undefined ? Number.NaN : Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

/** S3 event notifications URL-encode object keys, with `+` for spaces. */
function decodeKey(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
}

/** The log files one SQS message body announces. */
export function readMessageBody(body: string): MessageContent {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { kind: 'malformed', reason: 'the message body is not JSON' };
  }
  const bridged = EventBridgeObjectCreated.safeParse(value);
  if (bridged.success) {
    const { detail, time } = bridged.data;
    return {
      kind: 'files',
      files: [
        {
          bucket: detail.bucket.name,
          key: detail.object.key,
          createdAtMs: timeOf(time),
          writer: { field: 'requester', value: detail.requester ?? null },
        },
      ],
    };
  }
  const notification = S3Notification.safeParse(value);
  if (notification.success)
    return {
      kind: 'files',
      files: notification.data.Records.filter((r) => r.eventName.startsWith('ObjectCreated:')).map((r) => ({
        bucket: r.s3.bucket.name,
        key: decodeKey(r.s3.object.key),
        createdAtMs: timeOf(r.eventTime),
        writer: { field: 'principalId', value: r.userIdentity?.principalId ?? null } as const,
      })),
    };
  if (S3TestEvent.safeParse(value).success) return { kind: 'test' };
  return {
    kind: 'malformed',
    reason: 'neither an S3 "Object Created" event from EventBridge nor an S3 event notification',
  };
}

/** An SQS event as Lambda delivers it (only what the function reads). */
export const SqsEventSchema = z.object({
  Records: z.array(
    z.object({
      messageId: z.string(),
      body: z.string(),
      eventSource: z.literal('aws:sqs'),
    }),
  ),
});

/** What a backfill's Distributed Map hands to one invocation: a batch of listed objects. */
export const MapBatchSchema = z.object({
  Items: z.array(z.object({ Key: z.string().min(1), Size: z.number().optional() }).loose()),
  BatchInput: z.object({ bucket: z.string().min(1) }).loose(),
});

export type MapBatch = z.infer<typeof MapBatchSchema>;
