/**
 * Every AWS SDK client the functions build, made one way, with the attempts of its kind of call
 * set here once (the SDK's standard mode backs off with jitter between them). One function per
 * client: esbuild drops the ones a bundle never calls, and the SDK packages with them (they are
 * free of side effects), so a feature that is off still leaves its client out.
 *
 * Endpoints are the SDK's: it reads AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '../adapters/member-account-ec2';

/** Attempts per kind of call. */
export const SDK_ATTEMPTS = {
  /** Rows and markers: Lambda retries the whole event too, so three attempts ride out a throttle. */
  dynamodb: 3,
  /** Alerts: a failed publish fails the event, which Lambda retries. */
  sns: 3,
  /** Owner tags and instance lookups: their adapters retry what can be retried, on fresh evidence. */
  ec2: 1,
  /** AssumeRole into member accounts. */
  sts: 3,
  /** Violation events on the bus. */
  eventbridge: 3,
  /** BatchImportFindings allows 10 requests a second: the SDK's retries ride out a burst. */
  securityhub: 5,
  /** Account names: an alert does not wait long for one. */
  organizations: 2,
  /** Stop schedules. */
  scheduler: 3,
  /** The trail's log files. */
  s3: 3,
} as const;

export function dynamodbClient(): DynamoDBClient {
  return new DynamoDBClient({ maxAttempts: SDK_ATTEMPTS.dynamodb });
}

export function snsClient(): SNSClient {
  return new SNSClient({ maxAttempts: SDK_ATTEMPTS.sns });
}

/** EC2 in `region`, as the function's own role or with a member account's credentials. */
export function ec2Client(region: string, credentials?: () => Promise<AwsCredentialIdentity>): EC2Client {
  return new EC2Client({ region, maxAttempts: SDK_ATTEMPTS.ec2, ...(credentials ? { credentials } : {}) });
}

export function stsClient(): STSClient {
  return new STSClient({ maxAttempts: SDK_ATTEMPTS.sts });
}

export function eventBridgeClient(): EventBridgeClient {
  return new EventBridgeClient({ maxAttempts: SDK_ATTEMPTS.eventbridge });
}

export function securityHubClient(): SecurityHubClient {
  return new SecurityHubClient({ maxAttempts: SDK_ATTEMPTS.securityhub });
}

/** Organizations has one endpoint, in us-east-1 (the aws partition's). */
export function organizationsClient(): OrganizationsClient {
  return new OrganizationsClient({ region: 'us-east-1', maxAttempts: SDK_ATTEMPTS.organizations });
}

export function schedulerClient(): SchedulerClient {
  return new SchedulerClient({ maxAttempts: SDK_ATTEMPTS.scheduler });
}

/** S3 for the trail's log files: the bucket may be in another region than the function, so it follows S3's redirect. */
export function s3Client(): S3Client {
  return new S3Client({ followRegionRedirects: true, maxAttempts: SDK_ATTEMPTS.s3 });
}
