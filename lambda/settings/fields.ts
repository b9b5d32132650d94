/** The validators of single settings, shared by every function's schema. */

import * as z from 'zod/mini';
import { findingTargetOf } from '../domain/security-hub/target';
import { retentionProblem } from '../schema/attribution-table';

/** A required text setting: "is not set" when absent, rather than zod's type message. */
const text = () =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is not set' : 'must be text') });

/** The attribution table's name. */
export const TableName = text().check(z.minLength(1, 'must name the attribution table'));

/** The alert topic. */
export const TopicArn = text().check(
  z.regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/, 'must be an SNS topic ARN'),
);

/** A 12-digit AWS account id. */
export const AccountId = text().check(z.regex(/^\d{12}$/, 'must be a 12-digit account id'));

/** An ARN of `service`, in any partition. */
export const ArnOf = (service: string) =>
  z.string().check(z.regex(new RegExp(`^arn:aws[a-z-]*:${service}:`), `must be an ${service} ARN`));

/** Days to keep rows: a whole number, within DynamoDB TTL's reach. */
export const RetentionDays = z.pipe(
  z.pipe(
    z.string().check(z.regex(/^\d+$/, 'must be a whole number of days')),
    z.transform((value) => Number(value)),
  ),
  z.number().check(z.refine((days) => retentionProblem(days) === null, 'must be from 1 to 36500 days')),
);

/** An EventBridge Scheduler schedule group. */
export const ScheduleGroup = z
  .string()
  .check(z.regex(/^[0-9A-Za-z_.-]{1,64}$/, 'must name a schedule group'));

/** An IAM role name. */
export const RoleName = z.string().check(z.regex(/^[\w+=,.@-]{1,64}$/, 'must be a role name'));

/** An STS external id. */
export const ExternalId = z.string().check(z.regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be an external id'));

/** The partitions a deploy can run in. */
export const Partition = z.enum([
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
]);

/** The deploy's Security Hub product ARN (the account's default product). */
export const ProductArn = z
  .string()
  .check(
    z.refine(
      (arn) => findingTargetOf(arn) !== null,
      "must be an account's default product ARN (arn:aws:securityhub:<region>:<account>:product/<account>/default)",
    ),
  );
