/** The validators of single settings, shared by every function's schema. */

import * as z from 'zod/mini';
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

/** Days to keep rows: a whole number, within DynamoDB TTL's reach. */
export const RetentionDays = z.pipe(
  z.pipe(
    z.string().check(z.regex(/^\d+$/, 'must be a whole number of days')),
    z.transform((value) => Number(value)),
  ),
  z.number().check(z.refine((days) => retentionProblem(days) === null, 'must be from 1 to 36500 days')),
);

/** A whole number of days, at least 1. */
export const WholeDays = z.pipe(
  z.pipe(
    z
      .string({ error: (issue) => (issue.input === undefined ? 'is not set' : 'must be text') })
      .check(z.regex(/^[1-9]\d*$/, 'must be a whole number of days, at least 1')),
    z.transform((value) => Number(value)),
  ),
  z.number(),
);

/** Comma-separated region codes such as `eu-west-1,us-east-1`. */
export const RegionList = z.pipe(
  z
    .string()
    .check(
      z.regex(/^[a-z]{2}(-[a-z]+)+-\d(,[a-z]{2}(-[a-z]+)+-\d)*$/, 'must be region codes separated by commas'),
    ),
  z.transform((value) => value.split(',')),
);

/** How rows are keyed: `with-legacy` adds the legacy indexes' keys (steps 1 and 2 of a table move). */
export const RowKeys = z.enum(['with-legacy']);
