import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { TrailLogSource } from '../ports';

/** Reads log files from S3 as streams. */
export class S3TrailLogSource implements TrailLogSource {
  constructor(private readonly client: S3Client) {}

  async open(bucket: string, key: string): Promise<AsyncIterable<Uint8Array>> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!object.Body) throw new Error(`s3://${bucket}/${key} has no body`);
    return object.Body as AsyncIterable<Uint8Array>;
  }
}
