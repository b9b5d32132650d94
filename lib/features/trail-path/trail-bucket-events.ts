import { Stack, Validations } from 'aws-cdk-lib';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** The trail bucket whose object events go to EventBridge. */
export interface TrailBucketEventsProps {
  readonly bucketName: string;
}

/**
 * Turns on S3's EventBridge notifications for the trail bucket, so every new object is announced
 * on this account's default bus. EventBridge rather than a bucket notification to a queue: a
 * bucket allows one notification per overlapping prefix, and trail buckets often have one already
 * (a SIEM, a log shipper); the EventBridge switch adds to them instead of competing, and CDK's
 * notification handler keeps the notifications it did not create.
 */
export class TrailBucketEvents extends Construct {
  public readonly bucket: IBucket;

  constructor(scope: Construct, id: string, props: TrailBucketEventsProps) {
    super(scope, id);
    this.bucket = Bucket.fromBucketName(this, 'Bucket', props.bucketName);
    this.bucket.enableEventBridgeNotification();
    // CDK's notification handler, one per stack, created by the call above.
    for (const child of Stack.of(this).node.children) {
      if (!child.node.id.startsWith('BucketNotificationsHandler')) continue;
      Validations.of(child).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          "CDK's own bucket-notification handler writes its logs through AWSLambdaBasicExecutionRole; its only other right is Get/PutBucketNotification on the trail bucket.",
      });
    }
  }
}
