/**
 * The policy file's schema: every rule optional, each with a severity and exemptions.
 * Written with zod/mini, which tree-shakes: the Lambda validates the policy at cold start.
 */

import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { LIFECYCLE_ACTIONS } from '../actions';
import { globProblem } from './glob';

// zod/mini ships no messages; the English ones make every problem readable.
z.config(en());

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

const glob = z.string().check(
  z.superRefine((value, ctx) => {
    const problem = globProblem(value);
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: value });
  }),
);

const regex = z.string().check(
  z.superRefine((value, ctx) => {
    try {
      new RegExp(value);
    } catch (error) {
      ctx.issues.push({
        code: 'custom',
        input: value,
        message: `"${value}" is not a valid regular expression (${error instanceof Error ? error.message : String(error)})`,
      });
    }
  }),
);

const timeZone = z.string().check(
  z.superRefine((value, ctx) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
    } catch {
      ctx.issues.push({
        code: 'custom',
        input: value,
        message: `"${value}" is not an IANA time zone such as "Europe/Paris"`,
      });
    }
  }),
);

const clock = z
  .string()
  .check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time such as "08:00"'));
const positiveInt = z.int().check(z.minimum(1));

const Exemptions = z.strictObject({
  /** Caller ARNs (globs) the rule does not apply to. */
  callers: z._default(z.array(glob), []),
  /** Caller names (`actor.name`, globs) the rule does not apply to. */
  people: z._default(z.array(glob), []),
  /** Requested tags that exempt a launch: tag key → value glob. */
  tags: z._default(z.record(z.string().check(z.minLength(1)), glob), {}),
});

/**
 * What ec2trail does to the instances of a launch that breaks a rule: `tag` marks them with
 * `ec2trail:violation`; `stop` marks them too and stops them after the grace period unless they
 * are acknowledged by then. Nothing is ever terminated.
 */
export const REMEDIES = ['tag', 'stop'] as const;
export type Remedy = (typeof REMEDIES)[number];

function rule<T extends z.core.$ZodLooseShape>(shape: T, defaultSeverity: Severity) {
  return z.strictObject({
    enabled: z._default(z.boolean(), true),
    severity: z._default(z.enum(SEVERITIES), defaultSeverity),
    exempt: z._default(Exemptions, { callers: [], people: [], tags: {} }),
    remediate: z.optional(z.enum(REMEDIES)),
    /** What the person who broke the rule should do, shown under the alert's "What to do". */
    advice: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(600))),
    ...shape,
  });
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const Rules = z.strictObject({
  instanceType: z.optional(
    rule({ allow: z.optional(z.array(glob)), deny: z._default(z.array(glob), []) }, 'warning'),
  ),
  maxInstancesPerLaunch: z.optional(rule({ max: positiveInt }, 'warning')),
  requiredTags: z.optional(
    rule({ tags: z.record(z.string().check(z.minLength(1)), z.nullable(regex)) }, 'warning'),
  ),
  allowedRegions: z.optional(
    rule(
      {
        regions: z
          .array(
            z
              .string()
              .check(z.regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be a region code such as "eu-west-1"')),
          )
          .check(z.minLength(1)),
      },
      'critical',
    ),
  ),
  ami: z.optional(rule({ allow: z.optional(z.array(glob)), deny: z._default(z.array(glob), []) }, 'warning')),
  imdsv2Required: z.optional(rule({}, 'warning')),
  publicIpForbidden: z.optional(rule({}, 'warning')),
  unencryptedVolumesForbidden: z.optional(rule({}, 'warning')),
  rootUser: z.optional(rule({}, 'critical')),
  consoleWithoutMfa: z.optional(rule({}, 'warning')),
  allowedLaunchers: z.optional(rule({ callers: z.array(glob).check(z.minLength(1)) }, 'critical')),
  launchHours: z.optional(
    rule(
      {
        timeZone,
        days: z._default(z.array(z.enum(DAYS)).check(z.minLength(1)), ['mon', 'tue', 'wed', 'thu', 'fri']),
        from: clock,
        to: clock,
      },
      'info',
    ),
  ),
  failedAttempts: z.optional(
    rule({ errorCodes: z._default(z.array(glob), ['*UnauthorizedOperation', 'AccessDenied*']) }, 'warning'),
  ),
  protectedInstances: z.optional(
    rule(
      {
        tags: z
          .record(z.string().check(z.minLength(1)), glob)
          .check(z.refine((t) => Object.keys(t).length > 0, 'name at least one tag')),
        actions: z._default(z.array(z.enum(LIFECYCLE_ACTIONS)), ['stop', 'terminate']),
      },
      'critical',
    ),
  ),
  launchQuota: z.optional(
    rule(
      { maxInstances: positiveInt, windowMinutes: z.int().check(z.minimum(1), z.maximum(10_080)) },
      'warning',
    ),
  ),
  trailTampering: z.optional(rule({}, 'critical')),
  serviceLaunches: z.optional(
    rule(
      {
        /** The calls a service makes that alert when no person is known behind them. */
        actions: z._default(z.array(z.enum(LIFECYCLE_ACTIONS)).check(z.minLength(1)), ['launch']),
        /**
         * Whether automatic ones alert too: a change long before, beyond its window (a scaling
         * policy, a schedule, a health-check replacement, a Spot interruption).
         */
        automatic: z._default(z.boolean(), false),
      },
      'info',
    ),
  ),
});

export const REMEDIATION_MODES = ['dry-run', 'enforce'] as const;
export type RemediationMode = (typeof REMEDIATION_MODES)[number];

/** The least and most time a person gets to acknowledge a violation before its instances stop. */
export const GRACE_MINUTES = { min: 5, max: 10_080, default: 30 } as const;

/**
 * How old a launch event may be when remediation acts on it. CloudTrail delivers a log file about
 * 5 minutes after the call on average (not guaranteed), and EventBridge hands CloudTrail events on
 * within minutes; an hour covers both with room, and anything older (a retry that lasted, a
 * redrive from the dead-letter queue, an old log file copied into the bucket) is recorded and
 * alerted as late, never acted on: a person looks at it, not a machine.
 */
export const MAX_EVENT_AGE_MINUTES = { min: 5, max: 1_440, default: 60 } as const;

const Remediation = z.strictObject({
  /** `dry-run` (the default) changes nothing: it logs and alerts what `enforce` would do. */
  mode: z._default(z.enum(REMEDIATION_MODES), 'dry-run'),
  /** Minutes from the alert to the stop. */
  graceMinutes: z._default(
    z.int().check(z.minimum(GRACE_MINUTES.min), z.maximum(GRACE_MINUTES.max)),
    GRACE_MINUTES.default,
  ),
  /** Tags (key → value glob) that keep an instance untouched, besides the `protectedInstances` rule's. */
  protectedTags: z._default(z.record(z.string().check(z.minLength(1)), glob), {}),
  /** Minutes after the call past which a launch is recorded and alerted but never marked or stopped. */
  maxEventAgeMinutes: z._default(
    z.int().check(z.minimum(MAX_EVENT_AGE_MINUTES.min), z.maximum(MAX_EVENT_AGE_MINUTES.max)),
    MAX_EVENT_AGE_MINUTES.default,
  ),
});

/**
 * Rules that remediation may act on: the ones that judge a successful launch, so that there is
 * an instance, just launched, to mark. The others judge refused calls, stops, terminations or
 * the trail, where there is nothing of the caller's to stop.
 */
export const REMEDIABLE_RULES = [
  'instanceType',
  'maxInstancesPerLaunch',
  'requiredTags',
  'allowedRegions',
  'ami',
  'imdsv2Required',
  'publicIpForbidden',
  'unencryptedVolumesForbidden',
  'rootUser',
  'consoleWithoutMfa',
  'allowedLaunchers',
  'launchHours',
  'launchQuota',
] as const;

export const PolicySchema = z
  .strictObject({
    /** Free text shown nowhere but in the file, for the humans who maintain it. */
    description: z.optional(z.string()),
    rules: z._default(Rules, {}),
    /** How rules with `remediate` act; absent means a dry run with the defaults. */
    remediation: z.optional(Remediation),
  })
  .check(
    z.superRefine((policy, ctx) => {
      // ec2trail writes these on every instance it marks: protecting by them would switch remediation off.
      const marks = ['ec2trail:violation', 'ec2trail:deadline'];
      const protecting: [string[], Record<string, string> | undefined][] = [
        [['rules', 'protectedInstances', 'tags'], policy.rules.protectedInstances?.tags],
        [['remediation', 'protectedTags'], policy.remediation?.protectedTags],
      ];
      for (const [path, tags] of protecting)
        for (const key of Object.keys(tags ?? {}))
          if (marks.includes(key.toLowerCase()))
            ctx.issues.push({
              code: 'custom',
              input: key,
              path: [...path, key],
              message: `${key} is the mark ec2trail itself writes on a violating instance: protecting by it would keep every marked instance running`,
            });
      for (const [id, settings] of Object.entries(policy.rules)) {
        if (!settings || !('remediate' in settings) || settings.remediate === undefined) continue;
        if ((REMEDIABLE_RULES as readonly string[]).includes(id)) continue;
        ctx.issues.push({
          code: 'custom',
          input: settings.remediate,
          path: ['rules', id, 'remediate'],
          message: `${id} judges no new instance, so there is nothing to remediate; only launch rules can (${REMEDIABLE_RULES.join(', ')})`,
        });
      }
    }),
  );

export type Policy = z.infer<typeof PolicySchema>;
export type PolicyRules = Policy['rules'];
export type RuleId = keyof PolicyRules;
/** Every rule the schema knows, in the schema's order. */
export const RULE_IDS = Object.keys(Rules.shape) as RuleId[];
export type Weekday = (typeof DAYS)[number];
