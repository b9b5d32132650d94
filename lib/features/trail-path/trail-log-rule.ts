import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type TrailLocation, trailLogPattern } from '../../trail-log-pattern';

/** The trail's log files to match, and the queue they go to. */
export interface TrailLogRuleProps {
  readonly trail: TrailLocation;
  /** The account that owns the bucket (S3's events carry it). */
  readonly bucketAccount: string;
  /** Where announcements of new log files wait to be read. */
  readonly queue: IQueue;
  /** Receives what EventBridge could not put on the queue. */
  readonly deadLetterQueue: IQueue;
}

/** New trail log files, announced by S3 through EventBridge, onto the trail-file queue. */
export class TrailLogRule extends Construct {
  public readonly rule: Rule;

  constructor(scope: Construct, id: string, props: TrailLogRuleProps) {
    super(scope, id);
    this.rule = new Rule(this, 'Rule', {
      description: "New CloudTrail log files in the trail bucket, to ec2trail's trail-file queue",
      eventPattern: trailLogPattern(props.trail, props.bucketAccount),
      targets: [
        new SqsQueue(props.queue, {
          deadLetterQueue: props.deadLetterQueue,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
  }
}
