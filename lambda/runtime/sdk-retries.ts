/**
 * How many attempts the SDK makes, per kind of call: set here once, so every entry point and
 * the CLI retry alike. The SDK's standard mode backs off with jitter between attempts.
 */
export const SDK_ATTEMPTS = {
  /** Rows and markers: Lambda retries the whole event too, so three attempts ride out a throttle. */
  dynamodb: 3,
  /** Alerts: a failed publish fails the event, which Lambda retries. */
  sns: 3,
  /** Owner tags and instance lookups: a failure is reported, and a retry would act on older evidence. */
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
