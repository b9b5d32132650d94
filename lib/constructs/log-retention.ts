/** CloudWatch Logs retention from a number of days, checked against the values Logs accepts. */

import { RetentionDays } from 'aws-cdk-lib/aws-logs';

const ACCEPTED = new Set<number>(
  Object.values(RetentionDays).filter((value): value is number => typeof value === 'number'),
);

/** The retention of `days`; the config schema already refuses other values, so this never guesses. */
export function logRetentionOf(days: number): RetentionDays {
  if (!ACCEPTED.has(days)) throw new RangeError(`${days} days is not a CloudWatch Logs retention`);
  return days as RetentionDays;
}
