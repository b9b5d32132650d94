/**
 * Every setting each ec2trail function reads from its environment, in one schema per function.
 *
 * Both sides use it: the CDK constructs build a function's environment with `environmentOf`,
 * whose argument is the schema's input type (a misspelt or missing name fails `tsc`), and the
 * function reads it once at cold start with `readSettings`, through the same schema.
 */

import * as z from 'zod/mini';
import type { FindingTarget } from '../domain/security-hub/target';
import { findingTargetOf } from '../domain/security-hub/target';
import {
  AccountId,
  ArnOf,
  ExternalId,
  Partition,
  ProductArn,
  RetentionDays,
  RoleName,
  ScheduleGroup,
  TableName,
  TopicArn,
} from './fields';

/** Settings whose names come in groups: all of a group or none of it. */
const GROUPS = {
  scheduling: ['SCHEDULE_GROUP', 'REMEDIATION_FUNCTION_ARN', 'SCHEDULER_ROLE_ARN', 'SCHEDULE_DLQ_ARN'],
  memberTagging: ['MEMBER_TAG_ROLE', 'MEMBER_TAG_EXTERNAL_ID', 'PARTITION'],
} as const;

/** What a recording function (live or trail-file) reads. */
const recordingFields = {
  TABLE_NAME: TableName,
  TOPIC_ARN: TopicArn,
  /** `custom` when chat channels subscribe: HTTPS subscribers get chat custom notifications. */
  CHAT_NOTIFICATIONS: z.optional(z.enum(['custom'])),
  /** Days to keep rows; absent keeps them forever. */
  RETENTION_DAYS: z.optional(RetentionDays),
  /** The function's own account: owner tags are written and instances remediated only there. */
  HOME_ACCOUNT: z.optional(AccountId),
  /** Enforce mode: where the function schedules stops. */
  SCHEDULE_GROUP: z.optional(ScheduleGroup),
  REMEDIATION_FUNCTION_ARN: z.optional(ArnOf('lambda')),
  SCHEDULER_ROLE_ARN: z.optional(ArnOf('iam')),
  SCHEDULE_DLQ_ARN: z.optional(ArnOf('sqs')),
  /** Owner tags in member accounts: the role to assume there, and how. */
  MEMBER_TAG_ROLE: z.optional(RoleName),
  MEMBER_TAG_EXTERNAL_ID: z.optional(ExternalId),
  PARTITION: z.optional(Partition),
  /** Security Hub: the deploy's default product ARN, where findings are imported. */
  SECURITY_HUB_PRODUCT_ARN: z.optional(ProductArn),
};

type RecordingInput = z.output<z.ZodMiniObject<typeof recordingFields>>;

/** A group's problem: some of its names set and others not. */
function groupProblems(env: Record<string, unknown>): string[] {
  return Object.values(GROUPS).flatMap((names) => {
    const missing = names.filter((name) => env[name] === undefined);
    return missing.length > 0 && missing.length < names.length
      ? [`${missing.join(', ')}: must be set with ${names.filter((n) => !missing.includes(n)).join(', ')}`]
      : [];
  });
}

/** A recording function's settings, read into what its composition root builds from. */
export interface RecordingSettings {
  readonly tableName: string;
  readonly topicArn: string;
  /** Alerts carry the chat notification too. */
  readonly chat: boolean;
  /** Days to keep rows; undefined keeps them forever. */
  readonly retentionDays: number | undefined;
  /** Read account names from AWS Organizations for alerts. */
  readonly accountNames: boolean;
  readonly homeAccount: string | null;
  readonly scheduling: {
    readonly groupName: string;
    readonly functionArn: string;
    readonly roleArn: string;
    readonly deadLetterArn: string;
  } | null;
  readonly memberTagging: {
    readonly roleName: string;
    readonly externalId: string;
    readonly partition: z.output<typeof Partition>;
  } | null;
  readonly securityHub: FindingTarget | null;
}

function recording(env: RecordingInput & { ACCOUNT_NAMES?: 'organizations' | undefined }): RecordingSettings {
  const e = env;
  return {
    tableName: e.TABLE_NAME,
    topicArn: e.TOPIC_ARN,
    chat: e.CHAT_NOTIFICATIONS === 'custom',
    retentionDays: e.RETENTION_DAYS,
    accountNames: e.ACCOUNT_NAMES === 'organizations',
    homeAccount: e.HOME_ACCOUNT ?? null,
    scheduling:
      e.SCHEDULE_GROUP && e.REMEDIATION_FUNCTION_ARN && e.SCHEDULER_ROLE_ARN && e.SCHEDULE_DLQ_ARN
        ? {
            groupName: e.SCHEDULE_GROUP,
            functionArn: e.REMEDIATION_FUNCTION_ARN,
            roleArn: e.SCHEDULER_ROLE_ARN,
            deadLetterArn: e.SCHEDULE_DLQ_ARN,
          }
        : null,
    memberTagging:
      e.MEMBER_TAG_ROLE && e.MEMBER_TAG_EXTERNAL_ID && e.PARTITION
        ? { roleName: e.MEMBER_TAG_ROLE, externalId: e.MEMBER_TAG_EXTERNAL_ID, partition: e.PARTITION }
        : null,
    securityHub: e.SECURITY_HUB_PRODUCT_ARN ? findingTargetOf(e.SECURITY_HUB_PRODUCT_ARN) : null,
  };
}

const grouped = <T extends z.ZodMiniObject>(schema: T) =>
  schema.check(
    z.superRefine((env, context) => {
      for (const message of groupProblems(env as Record<string, unknown>))
        context.addIssue({ code: 'custom', message, input: env });
    }),
  );

/** Each function's schema: environment names in, typed settings out. */
export const FUNCTION_SETTINGS = {
  /** The live attribution function (EventBridge → rows and alerts). */
  attribution: z.pipe(
    grouped(
      z.object({
        ...recordingFields,
        /** `organizations` to show account names in alerts. */
        ACCOUNT_NAMES: z.optional(z.enum(['organizations'])),
      }),
    ),
    z.transform(recording),
  ),
  /** The trail-file function (the trail's log files → rows and late alerts). */
  trailFile: z.pipe(grouped(z.object(recordingFields)), z.transform(recording)),
  /** The remediation function (stops marked instances at their deadline). */
  remediation: z.pipe(
    z.object({
      TABLE_NAME: TableName,
      TOPIC_ARN: TopicArn,
      CHAT_NOTIFICATIONS: z.optional(z.enum(['custom'])),
      HOME_ACCOUNT: AccountId,
    }),
    z.transform((e) => ({
      tableName: e.TABLE_NAME,
      topicArn: e.TOPIC_ARN,
      chat: e.CHAT_NOTIFICATIONS === 'custom',
      homeAccount: e.HOME_ACCOUNT,
    })),
  ),
  /** The scheduled digest function. */
  digest: z.pipe(
    z.object({
      TABLE_NAME: TableName,
      TOPIC_ARN: TopicArn,
      CHAT_NOTIFICATIONS: z.optional(z.enum(['custom'])),
      /** `on` to send each person their own digest besides the team's. */
      PERSONAL_DIGESTS: z.optional(z.enum(['on', 'off'])),
    }),
    z.transform((e) => ({
      tableName: e.TABLE_NAME,
      topicArn: e.TOPIC_ARN,
      chat: e.CHAT_NOTIFICATIONS === 'custom',
      personal: e.PERSONAL_DIGESTS === 'on',
    })),
  ),
  /** The alarm relay (CloudWatch alarms → the alert topic). */
  alarmRelay: z.pipe(
    z.object({ TOPIC_ARN: TopicArn }),
    z.transform((e) => ({ topicArn: e.TOPIC_ARN })),
  ),
} as const;

/** The ec2trail functions that read settings. */
export type FunctionName = keyof typeof FUNCTION_SETTINGS;

/**
 * What the CDK side passes for `fn`: each environment name with a string value (a CDK token is a
 * string until deploy, so values are checked at cold start and by the synth tests, names by `tsc`).
 */
export type SettingsInput<F extends FunctionName> = {
  [K in keyof z.input<(typeof FUNCTION_SETTINGS)[F]>]: undefined extends z.input<
    (typeof FUNCTION_SETTINGS)[F]
  >[K]
    ? string | undefined
    : string;
};

/** What `fn` reads at cold start. */
export type Settings<F extends FunctionName> = z.output<(typeof FUNCTION_SETTINGS)[F]>;

/** A deploy that does not match its function: reported at cold start, before any event. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** The environment of `fn`, from its typed settings (unset optional settings are left out). */
export function environmentOf<F extends FunctionName>(
  _fn: F,
  settings: SettingsInput<F>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(settings).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** Reads and checks the settings of `fn` once; every problem is named at once. */
export function readSettings<F extends FunctionName>(
  fn: F,
  env: Record<string, string | undefined>,
): Settings<F> {
  const schema: z.ZodMiniType = FUNCTION_SETTINGS[fn];
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) =>
      issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    );
    throw new SettingsError(`Invalid Lambda environment: ${problems.join('; ')}`, { cause: result.error });
  }
  return result.data as Settings<F>;
}
