/** A validated policy turned into matchers, so evaluating an event compiles nothing. */

import type { Action } from '../actions';
import { adviceFor } from './advice';
import { compileGlob } from './glob';
import type { Policy, PolicyRules, RuleId, Severity, Weekday } from './schema';
import { RULE_IDS } from './schema';

export interface CompiledExemptions {
  readonly callers: readonly RegExp[];
  readonly people: readonly RegExp[];
  readonly tags: readonly (readonly [string, RegExp])[];
}

interface Base {
  readonly severity: Severity;
  readonly exempt: CompiledExemptions;
  /** The policy's own advice for the rule; the default applies when absent. */
  readonly advice?: string;
}

/** An allow list (null: anything) and a deny list that always wins. */
export interface AllowDeny {
  readonly allow: readonly RegExp[] | null;
  readonly deny: readonly RegExp[];
  readonly allowText: string;
}

export interface CompiledPolicy {
  readonly instanceType?: Base & AllowDeny;
  readonly maxInstancesPerLaunch?: Base & { readonly max: number };
  readonly requiredTags?: Base & { readonly tags: readonly (readonly [string, RegExp | null])[] };
  readonly allowedRegions?: Base & { readonly regions: ReadonlySet<string> };
  readonly ami?: Base & AllowDeny;
  readonly imdsv2Required?: Base;
  readonly publicIpForbidden?: Base;
  readonly unencryptedVolumesForbidden?: Base;
  readonly rootUser?: Base;
  readonly consoleWithoutMfa?: Base;
  readonly allowedLaunchers?: Base & { readonly callers: readonly RegExp[] };
  readonly launchHours?: Base & {
    readonly timeZone: string;
    readonly days: ReadonlySet<Weekday>;
    readonly fromMinutes: number;
    readonly toMinutes: number;
    readonly formatter: Intl.DateTimeFormat;
    readonly text: string;
  };
  readonly failedAttempts?: Base & { readonly errorCodes: readonly RegExp[] };
  readonly protectedInstances?: Base & {
    readonly tags: readonly (readonly [string, RegExp])[];
    readonly actions: ReadonlySet<Action>;
  };
  readonly launchQuota?: Base & { readonly maxInstances: number; readonly windowMinutes: number };
  readonly trailTampering?: Base;
  readonly serviceLaunches?: Base & { readonly actions: ReadonlySet<Action>; readonly automatic: boolean };
}

type AnyRule = NonNullable<PolicyRules[RuleId]>;

function base(rule: AnyRule): Base {
  return {
    ...(rule.advice ? { advice: rule.advice } : {}),
    severity: rule.severity,
    exempt: {
      callers: rule.exempt.callers.map((g) => compileGlob(g)),
      people: rule.exempt.people.map((g) => compileGlob(g, true)),
      tags: Object.entries(rule.exempt.tags).map(([key, value]) => [key, compileGlob(value)] as const),
    },
  };
}

function allowDeny(rule: {
  readonly allow?: readonly string[] | undefined;
  readonly deny: readonly string[];
}): AllowDeny {
  return {
    allow: rule.allow ? rule.allow.map((g) => compileGlob(g)) : null,
    deny: rule.deny.map((g) => compileGlob(g)),
    allowText: (rule.allow ?? []).join(', '),
  };
}

function minutes(clock: string): number {
  const [h, m] = clock.split(':');
  return Number(h) * 60 + Number(m);
}

export function compilePolicy(policy: Policy): CompiledPolicy {
  const rules = policy.rules ?? {};
  const on = <K extends RuleId>(id: K): NonNullable<PolicyRules[K]> | null => {
    const rule = rules[id];
    return rule?.enabled ? (rule as NonNullable<PolicyRules[K]>) : null;
  };
  const compiled: { -readonly [K in keyof CompiledPolicy]: CompiledPolicy[K] } = {};

  const instanceType = on('instanceType');
  if (instanceType) compiled.instanceType = { ...base(instanceType), ...allowDeny(instanceType) };
  const max = on('maxInstancesPerLaunch');
  if (max) compiled.maxInstancesPerLaunch = { ...base(max), max: max.max };
  const tags = on('requiredTags');
  if (tags) {
    compiled.requiredTags = {
      ...base(tags),
      tags: Object.entries(tags.tags).map(
        ([key, pattern]) => [key, pattern === null ? null : new RegExp(pattern)] as const,
      ),
    };
  }
  const regions = on('allowedRegions');
  if (regions) compiled.allowedRegions = { ...base(regions), regions: new Set(regions.regions) };
  const ami = on('ami');
  if (ami) compiled.ami = { ...base(ami), ...allowDeny(ami) };
  for (const id of [
    'imdsv2Required',
    'publicIpForbidden',
    'unencryptedVolumesForbidden',
    'rootUser',
    'consoleWithoutMfa',
    'trailTampering',
  ] as const) {
    const rule = on(id);
    if (rule) compiled[id] = base(rule);
  }
  const launchers = on('allowedLaunchers');
  if (launchers)
    compiled.allowedLaunchers = { ...base(launchers), callers: launchers.callers.map((g) => compileGlob(g)) };
  const hours = on('launchHours');
  if (hours) {
    compiled.launchHours = {
      ...base(hours),
      timeZone: hours.timeZone,
      days: new Set(hours.days),
      fromMinutes: minutes(hours.from),
      toMinutes: minutes(hours.to),
      formatter: new Intl.DateTimeFormat('en-US', {
        timeZone: hours.timeZone,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
      text: `${hours.days.join(', ')} ${hours.from}–${hours.to} ${hours.timeZone}`,
    };
  }
  const failed = on('failedAttempts');
  if (failed)
    compiled.failedAttempts = { ...base(failed), errorCodes: failed.errorCodes.map((g) => compileGlob(g)) };
  const protectedRule = on('protectedInstances');
  if (protectedRule) {
    compiled.protectedInstances = {
      ...base(protectedRule),
      tags: Object.entries(protectedRule.tags).map(([key, value]) => [key, compileGlob(value)] as const),
      actions: new Set(protectedRule.actions),
    };
  }
  const quota = on('launchQuota');
  if (quota)
    compiled.launchQuota = {
      ...base(quota),
      maxInstances: quota.maxInstances,
      windowMinutes: quota.windowMinutes,
    };
  const service = on('serviceLaunches');
  if (service)
    compiled.serviceLaunches = {
      ...base(service),
      actions: new Set(service.actions),
      automatic: service.automatic,
    };
  return compiled;
}

/** What to do about each rule of a compiled policy: its own advice, else the default. */
export function adviceOf(policy: CompiledPolicy): Readonly<Record<RuleId, string>> {
  return adviceFor(Object.fromEntries(RULE_IDS.map((id) => [id, policy[id]?.advice])));
}
