import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DeadLetterQueue } from '../../constructs/dead-letter-queue';

/** How long a log file may be read, and how often it is tried. */
export interface TrailFileQueueProps {
  /** The reading function's timeout: a message stays hidden six times as long while it is read. */
  readonly readerTimeout: Duration;
  /** Receives before a message goes to the dead-letter queue. @default 5 */
  readonly maxReceiveCount?: number;
}

/**
 * Announcements of new log files, waiting to be read. A queue rather than a direct invocation:
 * a file that fails is retried on its own (partial batch responses) and, after five tries, kept
 * 14 days in a dead-letter queue instead of being lost; a burst of files waits instead of
 * throttling. Encrypted, TLS only, retained.
 */
export class TrailFileQueue extends Construct {
  public readonly queue: Queue;
  public readonly deadLetters: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: TrailFileQueueProps) {
    super(scope, id);
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters');
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Lambda's advice for SQS sources: six times the function timeout.
      visibilityTimeout: Duration.seconds(props.readerTimeout.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetters.queue, maxReceiveCount: props.maxReceiveCount ?? 5 },
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
