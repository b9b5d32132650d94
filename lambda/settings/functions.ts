/**
 * Every setting each ec2trail function reads from its environment, in one schema per function.
 *
 * Both sides use it: the CDK constructs build a function's environment with `environmentOf`,
 * whose argument is the schema's input type (a misspelt or missing name fails `tsc`), and the
 * function reads it once at cold start with `readSettings`, through the same schema.
 */

import * as z from 'zod/mini';
import { AccountId, RegionList, RetentionDays, RowKeys, TableName, TopicArn, WholeDays } from './fields';

/**
 * What every recording function (live or trail-file) reads. Each optional feature reads its own
 * settings besides these, from its folder under lambda/features/.
 */
const recordingFields = {
  TABLE_NAME: TableName,
  TOPIC_ARN: TopicArn,
  /** `custom` when chat channels subscribe: HTTPS subscribers get chat custom notifications. */
  CHAT_NOTIFICATIONS: z.optional(z.enum(['custom'])),
  /** Days to keep rows; absent keeps them forever. */
  RETENTION_DAYS: z.optional(RetentionDays),
  /** The function's own account: owner tags are written and instances remediated only there. */
  HOME_ACCOUNT: z.optional(AccountId),
  /** `with-legacy` while a table is being moved (steps 1 and 2): rows carry the legacy indexes' keys too. */
  ROW_KEYS: z.optional(RowKeys),
};

type RecordingInput = z.output<z.ZodMiniObject<typeof recordingFields>>;

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
  /** Rows carry the legacy indexes' keys too. */
  readonly legacyKeys: boolean;
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
    legacyKeys: e.ROW_KEYS === 'with-legacy',
  };
}

/** Each function's schema: environment names in, typed settings out. */
export const FUNCTION_SETTINGS = {
  /** The live attribution function (EventBridge → rows and alerts). */
  attribution: z.pipe(
    z.object({
      ...recordingFields,
      /** `organizations` to show account names in alerts. */
      ACCOUNT_NAMES: z.optional(z.enum(['organizations'])),
    }),
    z.transform(recording),
  ),
  /** The trail-file function (the trail's log files → rows and late alerts). */
  trailFile: z.pipe(z.object(recordingFields), z.transform(recording)),
  /** The remediation function (stops marked instances at their deadline). */
  remediation: z.pipe(
    z.object({
      TABLE_NAME: TableName,
      TOPIC_ARN: TopicArn,
      CHAT_NOTIFICATIONS: z.optional(z.enum(['custom'])),
      HOME_ACCOUNT: AccountId,
      ROW_KEYS: z.optional(RowKeys),
    }),
    z.transform((e) => ({
      tableName: e.TABLE_NAME,
      topicArn: e.TOPIC_ARN,
      chat: e.CHAT_NOTIFICATIONS === 'custom',
      homeAccount: e.HOME_ACCOUNT,
      legacyKeys: e.ROW_KEYS === 'with-legacy',
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
  /** The scheduled inventory (every instance and its person → rows, the snapshot, metrics). */
  inventory: z.pipe(
    z.object({
      TABLE_NAME: TableName,
      RETENTION_DAYS: z.optional(RetentionDays),
      ROW_KEYS: z.optional(RowKeys),
      /** Comma-separated regions; absent lists every region the account has enabled. */
      INVENTORY_REGIONS: z.optional(RegionList),
      FORGOTTEN_AFTER_DAYS: WholeDays,
      EVENT_HISTORY: z.enum(['on', 'off']),
      PRICES: z.enum(['on', 'off']),
      /** Comma-separated tag keys that hold the person (the deploy's owner tags of source `person`). */
      PERSON_TAG_KEYS: z.optional(z.string()),
      /** The trail's bucket and key prefix, for launches older than Event history's 90 days. */
      TRAIL_BUCKET: z.optional(
        z.string().check(z.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')),
      ),
      TRAIL_PREFIX: z.optional(z.string()),
      /** The function's own account. */
      HOME_ACCOUNT: AccountId,
      /** The reader role the member StackSet puts in each member account; absent lists the home account only. */
      MEMBER_ROLE_NAME: z.optional(
        z.string().check(z.regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name')),
      ),
      /** The accounts' partition, for the member roles' ARNs. */
      PARTITION: z.optional(
        z.string().check(z.regex(/^aws(-[a-z]+)*$/, 'must be an AWS partition such as aws')),
      ),
    }),
    z.transform((e) => ({
      tableName: e.TABLE_NAME,
      retentionDays: e.RETENTION_DAYS,
      legacyKeys: e.ROW_KEYS === 'with-legacy',
      regions: e.INVENTORY_REGIONS ?? null,
      forgottenAfterDays: e.FORGOTTEN_AFTER_DAYS,
      eventHistory: e.EVENT_HISTORY === 'on',
      prices: e.PRICES === 'on',
      personTagKeys: (e.PERSON_TAG_KEYS ?? '').split(',').filter(Boolean),
      trail: e.TRAIL_BUCKET ? { bucket: e.TRAIL_BUCKET, prefix: e.TRAIL_PREFIX ?? '' } : null,
      homeAccount: e.HOME_ACCOUNT,
      members: e.MEMBER_ROLE_NAME ? { roleName: e.MEMBER_ROLE_NAME, partition: e.PARTITION ?? 'aws' } : null,
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

/** The settings of `fn`, or every problem with them, each naming its variable. */
export function settingsOf<F extends FunctionName>(
  fn: F,
  env: Record<string, string | undefined>,
):
  | { readonly settings: Settings<F>; readonly problems: readonly [] }
  | { readonly problems: readonly string[] } {
  const schema: z.ZodMiniType = FUNCTION_SETTINGS[fn];
  const result = schema.safeParse(env);
  if (result.success) return { settings: result.data as Settings<F>, problems: [] };
  return {
    problems: result.error.issues.map((issue) =>
      issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    ),
  };
}

/** Reads and checks the settings of `fn` once; every problem is named at once. */
export function readSettings<F extends FunctionName>(
  fn: F,
  env: Record<string, string | undefined>,
): Settings<F> {
  const read = settingsOf(fn, env);
  if (!('settings' in read))
    throw new SettingsError(`Invalid Lambda environment: ${read.problems.join('; ')}`);
  return read.settings;
}
