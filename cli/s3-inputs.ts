/**
 * Reads trail log objects from S3 (`s3://bucket/prefix`) as input files. Trail logs are small
 * (a few hundred KB), so they are downloaded whole, a few ahead, to keep the replay busy; an
 * object larger than that (an export, a merged NDJSON file) is read as a stream, so memory stays
 * flat whatever its size.
 */

import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { UsageError } from './errors';
import { type InputFile, parseInput, streamInput, WHOLE_INPUT_CHARS } from './inputs';

export interface S3Location {
  readonly bucket: string;
  readonly prefix: string;
}

export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  if (!match?.[1])
    throw new UsageError(`"${uri}" is not an S3 location such as s3://my-trail-bucket/AWSLogs/`);
  return { bucket: match[1], prefix: match[2] ?? '' };
}

// CloudTrail writes digest files beside the logs; they hold hashes, not events.
const SKIPPED = /(^|\/)CloudTrail-Digest\/|\/$/;

async function* keys(
  client: S3Client,
  location: S3Location,
  keep: (key: string) => boolean,
): AsyncGenerator<string> {
  for await (const page of paginateListObjectsV2(
    { client },
    { Bucket: location.bucket, Prefix: location.prefix },
  ))
    for (const object of page.Contents ?? [])
      if (object.Key && !SKIPPED.test(object.Key) && keep(object.Key)) yield object.Key;
}

async function download(
  client: S3Client,
  bucket: string,
  key: string,
  wholeBytes: number,
): Promise<InputFile> {
  const origin = `s3://${bucket}/${key}`;
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = object.Body;
    // Unknown length counts as large: streaming is always safe, only slower.
    if (body && !((object.ContentLength ?? Number.POSITIVE_INFINITY) <= wholeBytes))
      return { origin, items: streamInput(origin, body as AsyncIterable<Uint8Array>) };
    const bytes = await body?.transformToByteArray();
    return { origin, items: parseInput(origin, bytes ?? new Uint8Array()) };
  } catch (error) {
    return {
      origin,
      items: [{ kind: 'error', origin, message: error instanceof Error ? error.message : String(error) }],
    };
  }
}

export interface S3ReadOptions {
  /** Downloads in flight ahead of the one being replayed. */
  readonly ahead?: number;
  /** Objects up to this many bytes are downloaded whole; larger ones are streamed. */
  readonly wholeBytes?: number;
  /** Which listed keys to read. @default all */
  readonly keep?: (key: string) => boolean;
}

/** Every object under the prefix, in listing order, with up to `ahead` downloads in flight. */
export async function* readS3Inputs(
  client: S3Client,
  location: S3Location,
  { ahead = 8, wholeBytes = WHOLE_INPUT_CHARS, keep = () => true }: S3ReadOptions = {},
): AsyncGenerator<InputFile> {
  const queue: Promise<InputFile>[] = [];
  for await (const key of keys(client, location, keep)) {
    queue.push(download(client, location.bucket, key, wholeBytes));
    if (queue.length >= ahead) {
      const next = queue.shift();
      if (next) yield await next;
    }
  }
  for (const next of queue) yield await next;
}
