/**
 * The prices the bench turns measured units into dollars with: us-east-1, on-demand, as AWS's
 * pricing pages list them (DynamoDB on-demand since its price change of 1 November 2024, which
 * halved the request prices). One place, so a region or a price change is one edit.
 */
export const PRICES_AS_OF = '2026-12-07';

export const PRICES = {
  /** DynamoDB on-demand, USD per write request unit (USD 0.625 per million). */
  dynamoDbWriteUnit: 0.625 / 1e6,
  /** DynamoDB on-demand, USD per read request unit (USD 0.125 per million). */
  dynamoDbReadUnit: 0.125 / 1e6,
  /** DynamoDB Standard table class, USD per GB-month stored (the first 25 GB a month are free). */
  dynamoDbStorageGbMonth: 0.25,
  /** EventBridge, USD per event delivered to a bus in another account (USD 1.00 per million). */
  eventBridgeCrossAccountEvent: 1 / 1e6,
  /** Lambda, USD per request (USD 0.20 per million). */
  lambdaRequest: 0.2 / 1e6,
  /** Lambda on arm64, USD per GB-second. */
  lambdaArmGbSecond: 0.0000133334,
  /** CloudWatch Logs ingestion, USD per GB. */
  logsIngestGb: 0.5,
  /** S3 Standard GET, USD per request (USD 0.0004 per 1,000). */
  s3Get: 0.0004 / 1000,
  /** S3 Standard LIST, USD per request (USD 0.005 per 1,000); one lists up to 1,000 keys. */
  s3List: 0.005 / 1000,
  /** SQS standard queue, USD per request (USD 0.40 per million). */
  sqsRequest: 0.4 / 1e6,
  /** Step Functions Standard, USD per state transition (USD 0.025 per 1,000): a Distributed Map bills one per child execution it starts. */
  stepFunctionsTransition: 0.025 / 1000,
  /** Step Functions Express, USD per request (USD 1.00 per million). */
  stepFunctionsExpressRequest: 1 / 1e6,
  /** Step Functions Express, USD per GB-second (first 1,000 hours a month). */
  stepFunctionsExpressGbSecond: 0.00001667,
} as const;

/**
 * What the bench cannot measure here, stated once: the function's memory (the stack's setting),
 * its billed time per event in AWS (network round trips to DynamoDB, a few ms each, are not in a
 * local measurement), and the log bytes per invocation (the platform's START/END/REPORT lines
 * and the function's one summary line).
 */
export const ASSUMPTIONS = {
  lambdaMemoryGb: 0.25,
  lambdaBilledMsPerEvent: 25,
  logBytesPerEvent: 600,
  /** The trail-file function's memory (the stack's setting: 1024 MB). */
  trailFunctionMemoryGb: 1,
  /** Time to first byte of an S3 GET from Lambda in the same region, which the emulator does not have. */
  s3GetMs: 30,
  /** An Express child's billed memory: the 64 MB minimum (it only invokes the function). */
  expressChildMemoryGb: 0.064,
  /** A trail delivers a file per account and region about every five minutes while there is activity. */
  trailFilesPerRegionDay: 288,
  /** Regions with activity in a typical account (the rest deliver few or no files). */
  activeRegionsPerAccount: 4,
  /**
   * The README's organization: 500 accounts sending 10 million lifecycle events a month, and the
   * stack's fixed monthly cost (the KMS key USD 1, seven alarms USD 0.70, the dashboard USD 3).
   */
  organizationEventsPerMonth: 10_000_000,
  fixedUsdPerMonth: 4.7,
} as const;
