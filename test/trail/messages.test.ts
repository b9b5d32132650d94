/** What the trail-file queue may carry, in the formats AWS documents for S3's EventBridge events and event notifications. */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MapBatchSchema, readMessageBody } from '../../lambda/trail/messages';

const FIXTURES = join(__dirname, '..', 'fixtures', 's3-events');

describe('readMessageBody', () => {
  it("reads S3's EventBridge Object Created event", () => {
    const body = readFileSync(join(FIXTURES, 'orglog.json'), 'utf8');
    expect(readMessageBody(body)).toEqual({
      kind: 'files',
      files: [
        {
          bucket: 'org-trail-logs',
          key: 'org/AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/us-east-1/2026/03/02/444455556666_CloudTrail_us-east-1_20260302T2355Z_Ex4mple.json.gz',
          createdAtMs: Date.parse('2026-03-02T23:55:12Z'),
          writer: { field: 'requester', value: 'cloudtrail.amazonaws.com' },
        },
      ],
    });
  });

  it('reads a plain S3 event notification, decoding its URL-encoded keys', () => {
    const body = JSON.stringify({
      Records: [
        {
          eventName: 'ObjectCreated:Put',
          eventTime: '2026-03-02T23:55:12.000Z',
          s3: { bucket: { name: 'b-1' }, object: { key: 'my+logs/AWSLogs/a%3Db.json.gz' } },
        },
        { eventName: 'ObjectRemoved:Delete', s3: { bucket: { name: 'b-1' }, object: { key: 'gone' } } },
      ],
    });
    expect(readMessageBody(body)).toEqual({
      kind: 'files',
      files: [
        {
          bucket: 'b-1',
          key: 'my logs/AWSLogs/a=b.json.gz',
          createdAtMs: Date.parse('2026-03-02T23:55:12Z'),
          writer: { field: 'principalId', value: null },
        },
      ],
    });
  });

  it("acknowledges S3's test event and names what it cannot read", () => {
    expect(readMessageBody('{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"b-1"}')).toEqual({
      kind: 'test',
    });
    expect(readMessageBody('not json')).toEqual({
      kind: 'malformed',
      reason: 'the message body is not JSON',
    });
    expect(readMessageBody('{"detail-type":"Object Deleted","source":"aws.s3"}')).toMatchObject({
      kind: 'malformed',
    });
  });

  it('takes a Distributed Map batch as Step Functions hands it over', () => {
    // ItemReader listObjectsV2 items carry Key, Size, Etag, LastModified and StorageClass.
    const batch = {
      Items: [
        { Etag: '"x"', Key: 'AWSLogs/1/a.json.gz', LastModified: 1, Size: 5, StorageClass: 'STANDARD' },
      ],
      BatchInput: { bucket: 'b-1' },
    };
    expect(MapBatchSchema.safeParse(batch).success).toBe(true);
    expect(MapBatchSchema.safeParse({ Items: [{}], BatchInput: { bucket: 'b-1' } }).success).toBe(false);
  });
});
