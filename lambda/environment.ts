/** The Lambda's environment, validated once at cold start: a bad deploy fails fast and loudly. */

import * as z from 'zod/mini';
import { OWNER_TAG_SOURCES, type OwnerTagSettings } from './domain/owner-tags';
import { type FindingTarget, findingTargetOf } from './domain/security-hub/target';
import { retentionProblem } from './schema/attribution-table';

const TopicArn = z
  .string()
  .check(z.regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/, 'TOPIC_ARN must be an SNS topic ARN'));

const EnvironmentSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1, 'TABLE_NAME must name the attribution table')),
  TOPIC_ARN: TopicArn,
  /** `organizations` to show account names in alerts. */
  ACCOUNT_NAMES: z.optional(z.enum(['organizations'])),
  /** `custom` when chat channels subscribe: HTTPS subscribers get chat custom notifications. */
  CHAT_NOTIFICATIONS: z.optional(z.enum(['custom'])),
  /** The function's own account: owner tags are written only there. */
  HOME_ACCOUNT: z.optional(
    z.string().check(z.regex(/^\d{12}$/, 'HOME_ACCOUNT must be a 12-digit account id')),
  ),
  RETENTION_DAYS: z.optional(
    z.pipe(
      z.pipe(
        z.string().check(z.regex(/^\d+$/, 'RETENTION_DAYS must be a whole number of days')),
        z.transform((value) => Number(value)),
      ),
      z
        .number()
        .check(
          z.refine((days) => retentionProblem(days) === null, 'RETENTION_DAYS must be from 1 to 36500 days'),
        ),
    ),
  ),
});

export type Environment = z.infer<typeof EnvironmentSchema>;

export class EnvironmentError extends Error {
  override readonly name = 'EnvironmentError';
}

/** The alarm relay's environment: only the alert topic. */
const RelayEnvironmentSchema = z.object({ TOPIC_ARN: TopicArn });

export function readEnvironment(env: Record<string, string | undefined>): Environment {
  return parse(EnvironmentSchema, env);
}

export function readRelayEnvironment(
  env: Record<string, string | undefined>,
): z.infer<typeof RelayEnvironmentSchema> {
  return parse(RelayEnvironmentSchema, env);
}

function parse<T>(schema: z.ZodMiniType<T>, env: Record<string, string | undefined>): T {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new EnvironmentError(`Invalid Lambda environment: ${problems.join('; ')}`, { cause: result.error });
  }
  return result.data;
}

const Arn = (service: string) =>
  z.string().check(z.regex(new RegExp(`^arn:aws[a-z-]*:${service}:`), `must be an ${service} ARN`));

/** What the attribution function needs to schedule stops (remediation in enforce mode). */
const SchedulingEnvironmentSchema = z.object({
  HOME_ACCOUNT: z.string().check(z.regex(/^\d{12}$/, 'HOME_ACCOUNT must be a 12-digit account id')),
  SCHEDULE_GROUP: z
    .string()
    .check(z.regex(/^[0-9A-Za-z_.-]{1,64}$/, 'SCHEDULE_GROUP must name a schedule group')),
  REMEDIATION_FUNCTION_ARN: Arn('lambda'),
  SCHEDULER_ROLE_ARN: Arn('iam'),
  SCHEDULE_DLQ_ARN: Arn('sqs'),
});

export function readSchedulingEnvironment(
  env: Record<string, string | undefined>,
): z.infer<typeof SchedulingEnvironmentSchema> {
  return parse(SchedulingEnvironmentSchema, env);
}

/** The remediation function's environment. */
const RemediationEnvironmentSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1, 'TABLE_NAME must name the attribution table')),
  TOPIC_ARN: TopicArn,
  CHAT_NOTIFICATIONS: z.optional(z.enum(['custom'])),
  HOME_ACCOUNT: z.string().check(z.regex(/^\d{12}$/, 'HOME_ACCOUNT must be a 12-digit account id')),
});

export function readRemediationEnvironment(
  env: Record<string, string | undefined>,
): z.infer<typeof RemediationEnvironmentSchema> {
  return parse(RemediationEnvironmentSchema, env);
}

/** The digest function's environment. */
const DigestEnvironmentSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1, 'TABLE_NAME must name the attribution table')),
  TOPIC_ARN: TopicArn,
  CHAT_NOTIFICATIONS: z.optional(z.enum(['custom'])),
  /** `on` to send each person their own digest besides the team's. */
  PERSONAL_DIGESTS: z.optional(z.enum(['on', 'off'])),
});

export function readDigestEnvironment(
  env: Record<string, string | undefined>,
): z.infer<typeof DigestEnvironmentSchema> {
  return parse(DigestEnvironmentSchema, env);
}

const OwnerTagSettingsSchema = z.object({
  tags: z.record(z.string(), z.enum(OWNER_TAG_SOURCES)),
  overwrite: z.boolean(),
});

/** The owner tag settings embedded at synth, checked again at cold start. */
export function readOwnerTagSettings(value: unknown): OwnerTagSettings {
  const result = OwnerTagSettingsSchema.safeParse(value);
  if (!result.success)
    throw new EnvironmentError(
      `Invalid embedded owner tag settings: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return result.data;
}

/** Owner tags in member accounts: the role to assume there, and how. All three or none. */
const MemberTaggingEnvironmentSchema = z.object({
  MEMBER_TAG_ROLE: z.string().check(z.regex(/^[\w+=,.@-]{1,64}$/, 'MEMBER_TAG_ROLE must be a role name')),
  MEMBER_TAG_EXTERNAL_ID: z
    .string()
    .check(z.regex(/^[\w+=,.@:/-]{2,1224}$/, 'MEMBER_TAG_EXTERNAL_ID must be an external id')),
  PARTITION: z.enum([
    'aws',
    'aws-cn',
    'aws-us-gov',
    'aws-iso',
    'aws-iso-b',
    'aws-iso-e',
    'aws-iso-f',
    'aws-eusc',
  ]),
});

/** The member-account tagging settings, or null when the deploy tags its home account only. */
export function readMemberTaggingEnvironment(
  env: Record<string, string | undefined>,
): z.infer<typeof MemberTaggingEnvironmentSchema> | null {
  if (env.MEMBER_TAG_ROLE === undefined && env.MEMBER_TAG_EXTERNAL_ID === undefined) return null;
  return parse(MemberTaggingEnvironmentSchema, env);
}

const SecurityHubEnvironmentSchema = z.object({
  /** The deploy's default product ARN: findings are imported there, in its account and region. */
  SECURITY_HUB_PRODUCT_ARN: z
    .string()
    .check(
      z.refine(
        (arn) => findingTargetOf(arn) !== null,
        "SECURITY_HUB_PRODUCT_ARN must be an account's default product ARN (arn:aws:securityhub:<region>:<account>:product/<account>/default)",
      ),
    ),
});

/** Where Security Hub findings go, for deploys with `securityHub`. */
export function readSecurityHubEnvironment(env: Record<string, string | undefined>): FindingTarget {
  const { SECURITY_HUB_PRODUCT_ARN } = parse(SecurityHubEnvironmentSchema, env);
  return findingTargetOf(SECURITY_HUB_PRODUCT_ARN) as FindingTarget;
}
