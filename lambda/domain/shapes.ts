/** Finds the CloudTrail records inside any input shape ec2trail accepts. */

import type { RecordContext } from './attribute';
import { isObject, type JsonObject, str } from './json';

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

export type Entry =
  | { readonly kind: 'record'; readonly record: JsonObject; readonly context: RecordContext }
  | { readonly kind: 'unrecognized'; readonly reason: string };

// Arrays of log files of arrays are legitimate; anything deeper is not an input shape.
const MAX_DEPTH = 4;

function looksLikeRecord(value: JsonObject): boolean {
  return 'eventName' in value || 'eventSource' in value || 'userIdentity' in value;
}

/**
 * Yields every CloudTrail record in a parsed JSON value: a record, a `{"Records":[...]}` log file,
 * an EventBridge envelope, a LookupEvents page (`{"Events":[{"CloudTrailEvent":"..."}]}`) or an
 * item of one, a dead-letter message (a Lambda on-failure record, an SQS message), or an array of
 * any of these. Anything else is yielded as unrecognized, with why.
 */
export function* entriesOf(value: unknown, depth = 0): Generator<Entry> {
  if (depth > MAX_DEPTH) {
    yield { kind: 'unrecognized', reason: 'nested too deeply to be a CloudTrail input' };
    return;
  }
  if (Array.isArray(value)) {
    for (const element of value) yield* entriesOf(element, depth + 1);
    return;
  }
  if (!isObject(value)) {
    yield {
      kind: 'unrecognized',
      reason: `a JSON ${value === null ? 'null' : typeof value} is not a CloudTrail record`,
    };
    return;
  }
  if (Array.isArray(value.Records)) {
    for (const element of value.Records) {
      if (isObject(element)) yield { kind: 'record', record: element, context: {} };
      else yield { kind: 'unrecognized', reason: 'a Records entry is not an object' };
    }
    return;
  }
  const detailType = str(value['detail-type']);
  if (detailType !== null) {
    if (detailType.trim() === CLOUDTRAIL_DETAIL_TYPE && isObject(value.detail)) {
      yield {
        kind: 'record',
        record: value.detail,
        context: { account: str(value.account), region: str(value.region) },
      };
    } else if (detailType.trim() === CLOUDTRAIL_DETAIL_TYPE) {
      yield { kind: 'unrecognized', reason: 'the EventBridge event has no CloudTrail record in its detail' };
    } else {
      yield {
        kind: 'unrecognized',
        reason: `EventBridge event "${detailType}" is not a CloudTrail API call`,
      };
    }
    return;
  }
  // A Lambda on-failure destination record: the original event is the request payload.
  if ('requestPayload' in value && isObject(value.requestContext)) {
    yield* entriesOf(value.requestPayload, depth + 1);
    return;
  }
  // SQS messages, as `aws sqs receive-message` prints them: each body holds an event.
  if (Array.isArray(value.Messages)) {
    for (const element of value.Messages) yield* entriesOf(element, depth + 1);
    return;
  }
  if (typeof value.Body === 'string' && ('MessageId' in value || 'ReceiptHandle' in value)) {
    let body: unknown;
    try {
      body = JSON.parse(value.Body);
    } catch (error) {
      yield {
        kind: 'unrecognized',
        reason: `SQS message body is not JSON (${error instanceof Error ? error.message : String(error)})`,
      };
      return;
    }
    yield* entriesOf(body, depth + 1);
    return;
  }
  if (Array.isArray(value.Events)) {
    for (const element of value.Events) yield* entriesOf(element, depth + 1);
    return;
  }
  if (typeof value.CloudTrailEvent === 'string') {
    let inner: unknown;
    try {
      inner = JSON.parse(value.CloudTrailEvent);
    } catch (error) {
      yield {
        kind: 'unrecognized',
        reason: `CloudTrailEvent is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
      };
      return;
    }
    yield* entriesOf(inner, depth + 1);
    return;
  }
  if (looksLikeRecord(value)) {
    yield { kind: 'record', record: value, context: {} };
    return;
  }
  yield { kind: 'unrecognized', reason: 'an object that is not a CloudTrail record, log file or envelope' };
}
