/** The EventBridge pattern of new trail log files, shared by the home rule and the log-archive forwarder. */

import { type EventPattern, Match } from 'aws-cdk-lib/aws-events';
import { logsFolder } from '../lambda/domain/trail-log-key';

/** Where a trail delivers its log files. */
export interface TrailLocation {
  /** The trail's bucket. */
  readonly bucket: string;
  /** The trail's key prefix, without slashes at either end. @default undefined: no prefix */
  readonly prefix?: string | undefined;
}

/**
 * S3's "Object Created" events for log files under the trail's `AWSLogs/` folder, for one
 * account's and for an organization trail's layout alike (`AWSLogs/o-…/<account>/CloudTrail/…`).
 * Digests (`CloudTrail-Digest/`) and Insights files (`CloudTrail-Insight/`) do not match.
 */
export function trailLogPattern(trail: TrailLocation, account?: string): EventPattern {
  return {
    source: ['aws.s3'],
    detailType: ['Object Created'],
    ...(account ? { account: [account] } : {}),
    detail: {
      bucket: { name: [trail.bucket] },
      object: { key: Match.wildcard(`${logsFolder(trail.prefix ?? '')}*/CloudTrail/*.json.gz`) },
    },
  };
}

/** The ARN pattern of the trail's log objects, for read grants. */
export function logObjectsArn(partition: string, trail: TrailLocation): string {
  return `arn:${partition}:s3:::${trail.bucket}/${logsFolder(trail.prefix ?? '')}*`;
}
