/** The policy file's schema: every rule optional, each with a severity and exemptions. */

import { z } from 'zod';
import { LIFECYCLE_ACTIONS } from '../actions';
import { globProblem } from './glob';

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

const glob = z.string().superRefine((value, ctx) => {
  const problem = globProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const regex = z.string().superRefine((value, ctx) => {
  try {
    new RegExp(value);
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not a valid regular expression (${error instanceof Error ? error.message : String(error)})`,
    });
  }
});

const timeZone = z.string().superRefine((value, ctx) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not an IANA time zone such as "Europe/Paris"` });
  }
});

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time such as "08:00"');

const Exemptions = z
  .object({
    /** Caller ARNs (globs) the rule does not apply to. */
    callers: z.array(glob).default([]),
    /** Caller names (`actor.name`, globs) the rule does not apply to. */
    people: z.array(glob).default([]),
    /** Requested tags that exempt a launch: tag key → value glob. */
    tags: z.record(z.string().min(1), glob).default({}),
  })
  .strict();

function rule<T extends z.ZodRawShape>(shape: T, defaultSeverity: Severity) {
  return z
    .object({
      enabled: z.boolean().default(true),
      severity: z.enum(SEVERITIES).default(defaultSeverity),
      exempt: Exemptions.default({ callers: [], people: [], tags: {} }),
      ...shape,
    })
    .strict();
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const PolicySchema = z
  .object({
    /** Free text shown nowhere but in the file, for the humans who maintain it. */
    description: z.string().optional(),
    rules: z
      .object({
        instanceType: rule({ allow: z.array(glob).optional(), deny: z.array(glob).default([]) }, 'warning'),
        maxInstancesPerLaunch: rule({ max: z.number().int().min(1) }, 'warning'),
        requiredTags: rule({ tags: z.record(z.string().min(1), regex.nullable()) }, 'warning'),
        allowedRegions: rule(
          {
            regions: z
              .array(
                z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be a region code such as "eu-west-1"'),
              )
              .min(1),
          },
          'critical',
        ),
        ami: rule({ allow: z.array(glob).optional(), deny: z.array(glob).default([]) }, 'warning'),
        imdsv2Required: rule({}, 'warning'),
        publicIpForbidden: rule({}, 'warning'),
        unencryptedVolumesForbidden: rule({}, 'warning'),
        rootUser: rule({}, 'critical'),
        consoleWithoutMfa: rule({}, 'warning'),
        allowedLaunchers: rule({ callers: z.array(glob).min(1) }, 'critical'),
        launchHours: rule(
          {
            timeZone,
            days: z.array(z.enum(DAYS)).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
            from: clock,
            to: clock,
          },
          'info',
        ),
        failedAttempts: rule(
          { errorCodes: z.array(glob).default(['*UnauthorizedOperation', 'AccessDenied*']) },
          'warning',
        ),
        protectedInstances: rule(
          {
            tags: z
              .record(z.string().min(1), glob)
              .refine((t) => Object.keys(t).length > 0, 'name at least one tag'),
            actions: z.array(z.enum(LIFECYCLE_ACTIONS)).default(['stop', 'terminate']),
          },
          'critical',
        ),
        launchQuota: rule(
          { maxInstances: z.number().int().min(1), windowMinutes: z.number().int().min(1).max(10_080) },
          'warning',
        ),
        trailTampering: rule({}, 'critical'),
      })
      .partial()
      .strict(),
  })
  .strict();

export type Policy = z.infer<typeof PolicySchema>;
export type PolicyRules = NonNullable<Policy['rules']>;
export type RuleId = keyof PolicyRules;
export type Weekday = (typeof DAYS)[number];
