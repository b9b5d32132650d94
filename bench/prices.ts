/**
 * The prices the bench turns measured units into dollars with: us-east-1, on-demand, as AWS's
 * pricing pages list them (DynamoDB on-demand since its November 2024 price change). One place,
 * so a region or a price change is one edit.
 */
export const PRICES = {
  /** DynamoDB on-demand, USD per write request unit (USD 0.625 per million). */
  dynamoDbWriteUnit: 0.625 / 1e6,
  /** DynamoDB on-demand, USD per read request unit (USD 0.125 per million). */
  dynamoDbReadUnit: 0.125 / 1e6,
  /** Lambda, USD per request (USD 0.20 per million). */
  lambdaRequest: 0.2 / 1e6,
  /** Lambda on arm64, USD per GB-second. */
  lambdaArmGbSecond: 0.0000133334,
  /** CloudWatch Logs ingestion, USD per GB. */
  logsIngestGb: 0.5,
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
} as const;
