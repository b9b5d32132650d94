import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { EventBus as Bus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { logsFolder } from '../../../lambda/domain/trail-log-key';
import { DeadLetterQueue } from '../../constructs/dead-letter-queue';
import { partitionOf } from '../../regions';
import { trailLogPattern } from '../../trail-log-pattern';
import { TrailBucketEvents } from './trail-bucket-events';
import type { TrailConfig } from './trail-path';

/** The trail bucket in the log-archive account, and where its new log files are announced. */
export interface LogArchiveStackProps extends StackProps {
  readonly trail: TrailConfig;
  readonly homeBusArn: string;
  readonly homeAccount: string;
  /** The home stack's role names, which the bucket and key policies must name. */
  readonly roleNames: { readonly reader: string; readonly backfill: string };
}

/**
 * The trail bucket's share of ec2trail, deployed where the bucket is (a log-archive account, or
 * another region): S3's EventBridge notifications on the bucket, and a rule that forwards the
 * "Object Created" events of log files to the home bus. The bucket policy and key policy
 * statements that let the home account read the logs are printed as outputs: an existing bucket
 * policy cannot be amended by CloudFormation without taking it over, so they are added by hand.
 *
 * @example
 * import { LogArchiveStack } from 'ec2trail';
 *
 * new LogArchiveStack(app, 'Ec2TrailLogArchive', {
 *   env: { account: '444455556666', region: 'eu-west-1' },
 *   trail: { bucket: 'org-trail-logs' },
 *   homeBusArn: 'arn:aws:events:eu-west-1:111122223333:event-bus/default',
 *   homeAccount: '111122223333',
 *   roleNames: { reader: 'Ec2Trail-TrailReader-eu-west-1', backfill: 'Ec2Trail-Backfill-eu-west-1' },
 * });
 */
export class LogArchiveStack extends Stack {
  public readonly rule: Rule;

  constructor(scope: Construct, id: string, props: LogArchiveStackProps) {
    super(scope, id, props);
    const { trail } = props;
    new TrailBucketEvents(this, 'BucketEvents', { bucketName: trail.bucket });
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('events.amazonaws.com'),
      description: "ec2trail: forward the trail bucket's new log files to the home event bus",
    });
    const deadLetters = new DeadLetterQueue(this, 'DeadLetters').queue;
    this.rule = new Rule(this, 'NewLogFiles', {
      description: "ec2trail: new CloudTrail log files in the trail bucket, to the home account's bus",
      eventPattern: trailLogPattern(trail, this.account),
      targets: [
        new EventBus(Bus.fromEventBusArn(this, 'HomeBus', props.homeBusArn), {
          role,
          deadLetterQueue: deadLetters,
        }),
      ],
    });

    const statements = logArchiveStatements(
      trail,
      props.homeAccount,
      props.roleNames,
      partitionOf(this.region),
    );
    new CfnOutput(this, 'BucketPolicyStatements', {
      value: JSON.stringify(statements.bucket),
      description: `Add to the bucket policy of ${trail.bucket}: lets ec2trail read the log files (and list them for backfill)`,
    });
    if (statements.key)
      new CfnOutput(this, 'KeyPolicyStatement', {
        value: JSON.stringify(statements.key),
        description: 'Add to the key policy of the trail key: lets ec2trail decrypt the log files through S3',
      });
  }
}

/**
 * The least the home account's roles need on the log-archive bucket and key: read the log objects
 * under the trail's folder, list only that folder (for backfill), and decrypt only through S3.
 */
export function logArchiveStatements(
  trail: TrailConfig,
  homeAccount: string,
  roleNames: { readonly reader: string; readonly backfill: string },
  partition: string,
): { bucket: object[]; key: object | null } {
  const folder = logsFolder(trail.prefix ?? '');
  const role = (name: string) => `arn:${partition}:iam::${homeAccount}:role/${name}`;
  const bucketArn = `arn:${partition}:s3:::${trail.bucket}`;
  const bucket: object[] = [
    {
      Sid: 'Ec2TrailReadLogFiles',
      Effect: 'Allow',
      Principal: { AWS: [role(roleNames.reader)] },
      Action: 's3:GetObject',
      Resource: `${bucketArn}/${folder}*`,
    },
  ];
  if (trail.backfill)
    bucket.push({
      Sid: 'Ec2TrailListLogFiles',
      Effect: 'Allow',
      Principal: { AWS: [role(roleNames.backfill)] },
      Action: 's3:ListBucket',
      Resource: bucketArn,
      Condition: { StringLike: { 's3:prefix': [`${folder}*`] } },
    });
  const region = trail.region;
  const key = trail.kmsKeyArn
    ? {
        Sid: 'Ec2TrailDecryptLogFiles',
        Effect: 'Allow',
        Principal: { AWS: [role(roleNames.reader)] },
        Action: 'kms:Decrypt',
        Resource: '*',
        Condition: {
          StringEquals: { 'kms:ViaService': `s3.${region ?? trail.kmsKeyArn.split(':')[3]}.amazonaws.com` },
        },
      }
    : null;
  return { bucket, key };
}
