/**
 * The AWS SDK clients the core and more than one feature use, with the attempts of each kind of
 * call set here once (the SDK's standard mode backs off with jitter between them). A client only
 * one feature calls is built in that feature's folder, with its attempts set there. One function per
 * client: esbuild drops the ones a bundle never calls, and the SDK packages with them (they are
 * free of side effects), so a feature that is off still leaves its client out.
 *
 * Endpoints are the SDK's: it reads AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>.
 */

import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { PricingClient } from '@aws-sdk/client-pricing';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '../adapters/ec2-clients';
import { withoutSdkLog } from './without-sdk-log';

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
  /** Account names: an alert does not wait long for one. */
  organizations: 2,
  /** The trail's log files. */
  s3: 3,
  /** The inventory's listings (DescribeInstances, DescribeRegions, the Spot price history): reads, safe to repeat. */
  ec2Reads: 5,
  /** Event history: the inventory paces it at 2 a second and retries a throttle itself, after its pace. */
  cloudtrail: 1,
  /** The Price List. */
  pricing: 3,
} as const;

export function dynamodbClient(): DynamoDBClient {
  return withoutSdkLog(new DynamoDBClient({ maxAttempts: SDK_ATTEMPTS.dynamodb }));
}

export function snsClient(): SNSClient {
  return new SNSClient({ maxAttempts: SDK_ATTEMPTS.sns });
}

/** EC2 in `region`, as the function's own role or with a member account's credentials. */
export function ec2Client(region: string, credentials?: () => Promise<AwsCredentialIdentity>): EC2Client {
  return new EC2Client({ region, maxAttempts: SDK_ATTEMPTS.ec2, ...(credentials ? { credentials } : {}) });
}

/** EC2 in `region` for the inventory's reads, as the function's own role or a member account's reader. */
export function ec2ReadClient(region: string, credentials?: () => Promise<AwsCredentialIdentity>): EC2Client {
  return new EC2Client({
    region,
    maxAttempts: SDK_ATTEMPTS.ec2Reads,
    ...(credentials ? { credentials } : {}),
  });
}

/** CloudTrail Event history in `region`, as the function's own role or a member account's reader. */
export function cloudTrailClient(
  region: string,
  credentials?: () => Promise<AwsCredentialIdentity>,
): CloudTrailClient {
  return new CloudTrailClient({
    region,
    maxAttempts: SDK_ATTEMPTS.cloudtrail,
    ...(credentials ? { credentials } : {}),
  });
}

/** The Price List API answers in us-east-1 for every region's prices. */
export function pricingClient(): PricingClient {
  return new PricingClient({ region: 'us-east-1', maxAttempts: SDK_ATTEMPTS.pricing });
}

export function stsClient(): STSClient {
  return new STSClient({ maxAttempts: SDK_ATTEMPTS.sts });
}

/** Organizations has one endpoint, in us-east-1 (the aws partition's). */
export function organizationsClient(): OrganizationsClient {
  return new OrganizationsClient({ region: 'us-east-1', maxAttempts: SDK_ATTEMPTS.organizations });
}

/** S3 for the trail's log files: the bucket may be in another region than the function, so it follows S3's redirect. */
export function s3Client(): S3Client {
  return new S3Client({ followRegionRedirects: true, maxAttempts: SDK_ATTEMPTS.s3 });
}
