/** The deploy configuration: `ec2trail.config.json` plus `-c key=value` context overrides. */

import { z } from 'zod';
import {
  type Action,
  LIFECYCLE_ACTIONS,
  MANDATORY_ACTIONS,
  SERVICE_CHANGE,
  TRAIL_ACTIONS,
} from '../lambda/domain/actions';
import { DEFAULT_OWNER_TAGS, OWNER_TAG_SOURCES } from '../lambda/domain/owner-tags';
import { FILTER_COMBINATIONS_MAX, filterCombinations } from '../lambda/domain/person-filter';
import { SEVERITIES } from '../lambda/domain/policy/schema';
import { tagKeyProblem } from '../lambda/domain/tags';
import { RETENTION_DAYS } from '../lambda/schema/attribution-table';
import { didYouMean } from './closest-name';
import { awsRegions, partitionOf } from './regions';

const E164 = /^\+[1-9]\d{6,14}$/;

function awsRegion() {
  return z.string().refine((region) => awsRegions().includes(region), {
    error: (issue) =>
      `unknown AWS region "${String(issue.input)}"${didYouMean(String(issue.input), awsRegions())}`,
  });
}

// CloudFormation's limits on resource tags; `aws:` is reserved for AWS's own.
const TAG_KEY = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/**
 * Owner tags written on each launched instance, its network interfaces and the volumes the
 * launch names: tag key → `person` (the initiator, else the caller), `caller` (the direct
 * caller's ARN), `via` (the service resource), `time` (the launch's time). Exported for the CLI,
 * which previews the same tags.
 */
export const OwnerTagsSchema = z
  .object({
    tags: z
      .record(z.string(), z.enum(OWNER_TAG_SOURCES))
      .superRefine((tags, ctx) => {
        const keys = Object.keys(tags);
        if (keys.length === 0) ctx.addIssue({ code: 'custom', message: 'name at least one tag' });
        // EC2 allows 50 tags per resource; the launch's own need room.
        if (keys.length > 10) ctx.addIssue({ code: 'custom', message: 'at most 10 owner tags' });
        for (const key of keys) {
          const problem = tagKeyProblem(key);
          if (problem) ctx.addIssue({ code: 'custom', path: [key], message: `tag key "${key}" ${problem}` });
        }
      })
      .default({ ...DEFAULT_OWNER_TAGS }),
    /** Replace a tag the resource already has. Default: never (an IAM deny enforces it). */
    overwrite: z.boolean().default(false),
  })
  .strict();

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Slack and Microsoft Teams channels, as the chat applications' consoles show their ids. */
const ChatSchema = z
  .object({
    slack: z
      .array(
        z
          .object({
            workspaceId: z
              .string()
              .regex(/^[0-9A-Z]{1,255}$/, 'must be a Slack workspace id such as T0123ABCD'),
            channelId: z
              .string()
              .regex(/^[A-Za-z0-9]{1,256}$/, 'must be a Slack channel id such as C0123ABCD'),
          })
          .strict(),
      )
      .default([]),
    teams: z
      .array(
        z
          .object({
            teamId: z.string().regex(UUID, 'must be the team id (a UUID)'),
            // CloudFormation's pattern for TeamsChannelId: the id URL-encoded, as in the channel's link.
            channelId: z
              .string()
              .regex(
                /^[a-zA-Z0-9\-_=+/.,]*%3[aA][a-zA-Z0-9\-_=+/.,]*%40[a-zA-Z0-9\-_=+/.,]*$/,
                'must be the URL-encoded channel id from its link, such as 19%3Aabc%40thread.tacv2',
              ),
            tenantId: z.string().regex(UUID, 'must be the tenant id (a UUID)'),
          })
          .strict(),
      )
      .default([]),
  })
  .strict()
  .refine((chat) => chat.slack.length + chat.teams.length > 0, {
    message: 'name at least one Slack or Teams channel',
  });

const PeopleSchema = z
  .object({
    /** IAM Identity Center session names are the users' email addresses (the usual setup). */
    sessionNameIsEmail: z.boolean().default(true),
    minSeverity: z.enum(SEVERITIES).default('warning'),
    contacts: z
      .array(
        z
          .object({
            email: z.email({ error: (issue) => `"${String(issue.input)}" is not an email address` }),
            names: z.array(z.string().min(1).max(256)).default([]),
            arnPrefixes: z
              .array(
                z
                  .string()
                  .regex(/^arn:aws[a-z-]*:(iam|sts)::\d{12}:/, 'must start like arn:aws:iam::111122223333:'),
              )
              .default([]),
          })
          .strict(),
      )
      .min(1, 'name at least one contact'),
  })
  .strict()
  .superRefine((people, ctx) => {
    people.contacts.forEach((contact, index) => {
      if (!people.sessionNameIsEmail && contact.names.length === 0 && contact.arnPrefixes.length === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['contacts', index],
          message: 'needs names or arnPrefixes when sessionNameIsEmail is off: nothing would match it',
        });
      const combinations = filterCombinations(contact, people);
      if (combinations > FILTER_COMBINATIONS_MAX)
        ctx.addIssue({
          code: 'custom',
          path: ['contacts', index],
          message: `makes a filter policy of ${combinations} combinations; SNS allows ${FILTER_COMBINATIONS_MAX} (fewer names, or a higher minSeverity)`,
        });
    });
    const emails = people.contacts.map((c) => c.email.toLowerCase());
    if (new Set(emails).size !== emails.length)
      ctx.addIssue({ code: 'custom', path: ['contacts'], message: 'lists an email twice' });
  });

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;
const clock = z.string().regex(CLOCK, 'must be a 24-hour time such as "08:00"');

/** An IANA time zone, `UTC` unless set: Scheduler follows its daylight saving changes. */
function timeZone() {
  return z
    .string()
    .default('UTC')
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as "Europe/Paris"');
}

/** Scheduled digests: when they run, and who receives them. */
const DigestsSchema = z
  .object({
    /** The IANA time zone the times are in; Scheduler follows its daylight saving changes. */
    timeZone: timeZone(),
    /** The last 24 hours, every day at this time. */
    daily: z
      .object({ at: clock.default('08:00') })
      .strict()
      .optional(),
    /** The last 7 days, every week on this day at this time. */
    weekly: z
      .object({
        day: z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']).default('mon'),
        at: clock.default('08:00'),
      })
      .strict()
      .optional(),
    /** The team's `emails` receive the team digest. */
    team: z.boolean().default(true),
    /** Each `people` contact receives a digest of their own. */
    people: z.boolean().default(true),
  })
  .strict()
  .refine((digests) => digests.daily !== undefined || digests.weekly !== undefined, {
    message: 'name daily, weekly or both',
  });

/** The config's `digests`: when they run, and who receives them. */
export type DigestsConfig = z.infer<typeof DigestsSchema>;

/** The scheduled inventory: every instance, its person, coverage and the possibly forgotten. */
const InventorySchema = z
  .object({
    /** Every day at this time, in `timeZone`. */
    at: clock.default('05:00'),
    /** The IANA time zone `at` is in. */
    timeZone: timeZone(),
    /** The regions listed; default: every region the account has enabled. */
    regions: z.array(awsRegion()).min(1).max(40).optional(),
    /** Running this many days untouched makes an instance possibly forgotten. */
    forgottenAfterDays: z.number().int().min(1).max(3650).default(30),
    /**
     * In an organization deploy, the home account's principals (role ARNs, `*` allowed) that may
     * assume the member accounts' reader role besides the inventory function: who runs
     * `ec2trail owners --accounts`.
     */
    readers: z
      .array(
        z
          .string()
          .regex(
            /^arn:aws[a-z-]*:(iam|sts)::\d{12}:[\w+=,.@*/-]+$/,
            'must be an IAM principal ARN of the home account, such as arn:aws:iam::111122223333:role/platform-admin',
          ),
      )
      .max(10)
      .default([]),
    /** Alarm when the share of instances with a person falls below this percentage. */
    coverageAlarmBelow: z.number().int().min(1).max(100).optional(),
    /** Ask CloudTrail Event history for launches the table does not hold (2 requests a second per region). */
    eventHistory: z.boolean().default(true),
    /** Read prices (the Price List, the Spot price history) for the hourly cost and the forgotten's cost. */
    prices: z.boolean().default(true),
  })
  .strict();

/** The config's `inventory`. */
export type InventoryConfig = z.infer<typeof InventorySchema>;

/** The schema of `ec2trail.config.json` (docs/configuration.md): each field's default and limits. */
export const ConfigSchema = z
  .object({
    /** CloudFormation stack name. */
    stackName: z
      .string()
      .regex(
        /^[A-Za-z][A-Za-z0-9-]{0,127}$/,
        'must start with a letter and hold only letters, digits and hyphens',
      )
      .default('Ec2Trail'),
    /** Account and region to deploy to; default: the CLI's current credentials and region. */
    account: z
      .string()
      .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
      .optional(),
    region: awsRegion().optional(),
    /** Lifecycle actions the rule listens for. */
    actions: z
      .array(
        z.enum(LIFECYCLE_ACTIONS, {
          error: (issue) =>
            `unknown action "${String(issue.input)}" (expected one of ${LIFECYCLE_ACTIONS.join(', ')})`,
        }),
      )
      .default([...LIFECYCLE_ACTIONS])
      .refine((actions) => MANDATORY_ACTIONS.every((a) => actions.includes(a)), {
        message: `must include ${MANDATORY_ACTIONS.join(', ')}: they can never be switched off`,
      }),
    /** Also watch StopLogging, DeleteTrail, UpdateTrail and PutEventSelectors on CloudTrail itself. */
    watchTrail: z.boolean().default(true),
    /** Email addresses subscribed to alerts (each must confirm the subscription). */
    alertEmails: z
      .array(z.email({ error: (issue) => `"${String(issue.input)}" is not an email address` }))
      .default([]),
    /** Phone numbers (E.164, e.g. +15551234567) subscribed to SMS alerts. */
    alertPhones: z
      .array(
        z.string().regex(E164, {
          error: (issue) => `"${String(issue.input)}" is not an E.164 phone number like +15551234567`,
        }),
      )
      .default([]),
    /** The launch policy file (JSON or YAML), relative to the working directory. */
    policyFile: z.string().min(1).optional(),
    /** The lowest alert severity texted to `alertPhones`. */
    smsMinSeverity: z.enum(SEVERITIES).default('critical'),
    /** The lowest alert severity emailed to `alertEmails`. */
    emailMinSeverity: z.enum(SEVERITIES).default('warning'),
    /**
     * Moving a table deployed by an earlier version (four indexes of whole rows) to the indexes of
     * this one, one index per deploy: docs/table-move.md. Omit on a new deploy, and after step 6.
     */
    tableMove: z
      .object({ step: z.number().int().min(1).max(6) })
      .strict()
      .optional(),
    /** Days to keep attribution rows (DynamoDB TTL); omit to keep them forever. */
    retentionDays: z.number().int().min(RETENTION_DAYS.min).max(RETENTION_DAYS.max).optional(),
    /**
     * Regions to watch. The stack goes to the home region (`region`); every other region gets a
     * small forwarder stack that sends its events to the home region's bus.
     */
    regions: z
      .array(awsRegion())
      .refine((regions) => new Set(regions).size === regions.length, { message: 'lists a region twice' })
      .optional(),
    /** An AWS Organization whose member accounts forward their events here, through a StackSet. */
    organization: z
      .object({
        id: z.string().regex(/^o-[a-z0-9]{10,32}$/, 'must be an organization id such as o-a1b2c3d4e5'),
        /** OUs (ou-…) or the root (r-…) whose accounts get the forwarder; new accounts get it automatically. */
        organizationalUnits: z
          .array(
            z
              .string()
              .regex(
                /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/,
                'must be an OU id (ou-…) or the root id (r-…)',
              ),
          )
          .min(1, 'name at least one OU, or the root id (r-…) for the whole organization'),
        /** Let the function read account names from AWS Organizations for alerts (needs a delegated administrator or the management account). */
        readAccountNames: z.boolean().default(false),
        /** Who creates the StackSet: a delegated StackSets administrator (the usual security account), or the management account itself. */
        callAs: z.enum(['DELEGATED_ADMIN', 'SELF']).default('DELEGATED_ADMIN'),
      })
      .strict()
      .optional(),
    /**
     * The trail's log files in S3, read as a second path that recovers what EventBridge did not
     * deliver (and, with `backfill`, a Step Functions state machine that reads their history).
     */
    trail: z
      .object({
        /** The bucket the trail delivers to. */
        bucket: z
          .string()
          .regex(
            /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
            'must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)',
          ),
        /** The trail's S3 key prefix (the folder before AWSLogs/), if it has one. */
        prefix: z
          .string()
          .regex(/^[^/](.*[^/])?$/, 'must not start or end with "/" (e.g. "org-trail", not "/org-trail/")')
          .max(200)
          .optional(),
        /** The KMS key the trail encrypts its logs with (SSE-KMS), to let the reader decrypt them. */
        kmsKeyArn: z
          .string()
          .regex(
            /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[a-zA-Z0-9-]+$/,
            'must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)',
          )
          .optional(),
        /** The account that owns the bucket (a log-archive account); default: the home account. */
        account: z
          .string()
          .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
          .optional(),
        /** The bucket's region; default: the home region. */
        region: awsRegion().optional(),
        /** Deploy the backfill state machine (Step Functions Distributed Map over the bucket). */
        backfill: z
          .object({
            /** Batches read at once; each is one invocation of the trail-file function. */
            maxConcurrency: z.number().int().min(1).max(1000).default(20),
            /** Log files per invocation. */
            filesPerBatch: z.number().int().min(1).max(100).default(10),
            /** The share of failed batches a run tolerates before it fails (failed files are listed either way). */
            toleratedFailurePercentage: z.number().min(0).max(100).default(0),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    ownerTags: OwnerTagsSchema.optional(),
    /**
     * Chat channels (Amazon Q Developer in chat applications, formerly AWS Chatbot) that receive
     * the alerts, rendered as its custom notifications.
     */
    chat: ChatSchema.optional(),
    /**
     * People told of their own alerts by email: each gets a subscription whose filter matches
     * the alert's `person` (their names) or `personArn` (their ARN prefixes).
     */
    people: PeopleSchema.optional(),
    /** Put every alerted violation on the default event bus too (source "ec2trail"). */
    violationEvents: z.boolean().default(true),
    /**
     * Import every alerted violation into Security Hub as a finding, and archive a launch's
     * findings when its instance is terminated. Needs Security Hub enabled in the deploy's
     * account and region.
     */
    securityHub: z.boolean().default(false),
    /** Daily and/or weekly digests on the alert topic (`kind=digest`). */
    digests: DigestsSchema.optional(),
    /**
     * A daily inventory of every instance (ec2trail owners, deployed): records the launches it
     * finds, saves the snapshot the digest shows, publishes coverage metrics.
     */
    inventory: InventorySchema.optional(),
    /** Tags put on every resource of every stack (also `cdk deploy --tags`, which tags the stacks). */
    tags: z
      .record(z.string(), z.string())
      .superRefine((tags, ctx) => {
        const entries = Object.entries(tags);
        if (entries.length > 50) ctx.addIssue({ code: 'custom', message: 'at most 50 tags per resource' });
        for (const [key, value] of entries) {
          if (!TAG_KEY.test(key))
            ctx.addIssue({
              code: 'custom',
              path: [key],
              message: `tag key "${key}" must be 1–128 letters, digits, spaces or _.:/=+-@, not starting with aws:`,
            });
          if (!TAG_VALUE.test(value))
            ctx.addIssue({
              code: 'custom',
              path: [key],
              message: `tag value "${value}" must be at most 256 letters, digits, spaces or _.:/=+-@`,
            });
        }
      })
      .default({}),
    /** Days to keep the function's logs. */
    logRetentionDays: z
      .number()
      .int()
      .refine((d) => LOG_RETENTION_DAYS.includes(d), {
        message: 'must be a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, …)',
      })
      .default(90),
  })
  .strict()
  .superRefine((config, ctx) => {
    // With personal digests each contact's filter takes one more alternative: count it too.
    if (config.people && config.digests?.people) {
      const settings = { ...config.people, digests: true };
      config.people.contacts.forEach((contact, index) => {
        const combinations = filterCombinations(contact, settings);
        if (combinations > FILTER_COMBINATIONS_MAX)
          ctx.addIssue({
            code: 'custom',
            path: ['people', 'contacts', index],
            message: `makes a filter policy of ${combinations} combinations with their digest; SNS allows ${FILTER_COMBINATIONS_MAX} (fewer names, a higher minSeverity, or digests.people false)`,
          });
      });
    }
    const others = (config.regions ?? []).filter((r) => r !== config.region);
    if ((others.length > 0 || config.organization) && (!config.region || !config.account)) {
      ctx.addIssue({
        code: 'custom',
        path: [config.region ? 'account' : 'region'],
        message: 'must be set when regions or organization are: forwarders need the home account and region',
      });
    }
    const trail = config.trail;
    if (
      trail &&
      ((trail.account !== undefined && trail.account !== config.account) ||
        (trail.region !== undefined && trail.region !== config.region)) &&
      (!config.region || !config.account)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: [config.region ? 'account' : 'region'],
        message:
          "must be set when trail.account or trail.region differ from them: the bucket's events are forwarded to the home account and region",
      });
    }
    if (config.regions && config.region && !config.regions.includes(config.region)) {
      ctx.addIssue({
        code: 'custom',
        path: ['regions'],
        message: `must include the home region ${config.region}`,
      });
    }
  });

const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** A config as read: every default filled in. */
export type Ec2TrailConfig = z.infer<typeof ConfigSchema>;

/** A configuration the user must fix: every problem, each on a line, with where it came from. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid ec2trail configuration (${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type OverrideKind = 'list' | 'number' | 'boolean' | 'json' | 'tags' | 'string';

/**
 * How a `-c key=value` string becomes the field's value: every field of the config can be set this
 * way (the type makes a new field without an entry here a compile error).
 */
export const OVERRIDE_KINDS = {
  stackName: 'string',
  account: 'string',
  region: 'string',
  actions: 'list',
  watchTrail: 'boolean',
  alertEmails: 'list',
  alertPhones: 'list',
  policyFile: 'string',
  smsMinSeverity: 'string',
  emailMinSeverity: 'string',
  retentionDays: 'number',
  tableMove: 'json',
  regions: 'list',
  organization: 'json',
  trail: 'json',
  ownerTags: 'json',
  violationEvents: 'boolean',
  securityHub: 'boolean',
  chat: 'json',
  people: 'json',
  digests: 'json',
  inventory: 'json',
  tags: 'tags',
  logRetentionDays: 'number',
} as const satisfies Record<keyof z.input<typeof ConfigSchema>, OverrideKind>;

/** The context key that names the config file; not a field of it. */
export const CONFIG_FILE_KEY = 'config';

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** A context string as the field's type; anything else (arrays from cdk.json) passes as it is. */
function overrideValue(key: string, kind: OverrideKind, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  switch (kind) {
    case 'list':
      return text.startsWith('[') ? parseJson(key, text) : splitList(text);
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : value;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : value;
    case 'json':
      return parseJson(key, text);
    case 'tags':
      // `team=platform,cost-center=42`, as `cdk deploy --tags` takes them, or a JSON object.
      if (text.startsWith('{')) return parseJson(key, text);
      return Object.fromEntries(
        splitList(text).map((pair) => {
          const equals = pair.indexOf('=');
          if (equals <= 0)
            throw new ConfigError('-c', [
              `tags: "${pair}" is not key=value (e.g. -c tags=team=platform,env=prod)`,
            ]);
          return [pair.slice(0, equals).trim(), pair.slice(equals + 1).trim()];
        }),
      );
    case 'string':
      return value;
  }
}

function parseJson(key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError('-c', [
      `${key}: not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    ]);
  }
}

/**
 * Context keys the CDK and its users set for themselves: feature flags (`@aws-cdk/…`), the CLI's
 * own (`aws:cdk:…`, `acknowledged-issue-numbers`) and lookups (`availability-zones:…`). A plain
 * identifier is taken for a config field, so a misspelt one is an error rather than ignored.
 */
function isCdkContextKey(key: string): boolean {
  return !/^[A-Za-z][A-Za-z0-9]*$/.test(key);
}

/**
 * Applies context overrides to the file's raw config. Unset context keys leave the file's values;
 * a plain key that is no field is an error naming the closest field.
 */
export function applyOverrides(raw: unknown, context: Record<string, unknown>): unknown {
  const fields = Object.keys(OVERRIDE_KINDS);
  const unknown = Object.keys(context).filter(
    (key) => key !== CONFIG_FILE_KEY && !isCdkContextKey(key) && !fields.includes(key),
  );
  if (unknown.length > 0)
    throw new ConfigError(
      '-c',
      unknown.map(
        (key) => `unknown config key "${key}"${didYouMean(key, fields)}; the keys are ${fields.join(', ')}`,
      ),
    );
  const base = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? { ...raw } : raw;
  if (typeof base !== 'object' || base === null || Array.isArray(base)) return base;
  const target = base as Record<string, unknown>;
  for (const [key, kind] of Object.entries(OVERRIDE_KINDS)) {
    const value = context[key];
    if (value !== undefined) target[key] = overrideValue(key, kind, value);
  }
  return target;
}

/** The config fields a `-c key=value` sets, so that a mistake in one names the `-c` key. */
export function contextFields(context: Record<string, unknown>): ReadonlySet<string> {
  return new Set(Object.keys(OVERRIDE_KINDS).filter((key) => context[key] !== undefined));
}

/**
 * Validates a raw config; every problem is reported, each naming its field. A field set by
 * `-c` is named as `-c key` (the user typed it there), the others as fields of `source`.
 */
export function parseConfig(
  raw: unknown,
  source: string,
  fromContext: ReadonlySet<string> = new Set(),
): Ec2TrailConfig {
  const result = ConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '');
    const top = issue.path[0];
    if (typeof top === 'string' && fromContext.has(top)) return `-c ${path}: ${issue.message}`;
    if (issue.code === 'unrecognized_keys') {
      const fields = Object.keys(OVERRIDE_KINDS);
      return issue.keys.length === 1 && !path
        ? `unknown field: ${issue.keys[0]}${didYouMean(issue.keys[0] ?? '', fields)}`
        : `unknown field${issue.keys.length > 1 ? 's' : ''}${path ? ` in ${path}` : ''}: ${issue.keys.join(', ')}`;
    }
    return `${path || '(root)'}: ${issue.message}`;
  });
  throw new ConfigError(source, problems);
}

/**
 * The action groups every rule and forwarder uses: the lifecycle calls, the changes that cause
 * service launches, and the trail's own calls.
 */
export function actionGroups(config: Ec2TrailConfig): readonly (readonly Action[])[] {
  const groups: (readonly Action[])[] = [config.actions, [SERVICE_CHANGE]];
  return config.watchTrail ? [...groups, TRAIL_ACTIONS] : groups;
}

/** The home region's default event bus, where forwarders send events (a plain string: it crosses stacks and accounts). */
export function homeBusArnOf(account: string, region: string): string {
  return `arn:${partitionOf(region)}:events:${region}:${account}:event-bus/default`;
}
