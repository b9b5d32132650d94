/** The policy's remediation settings, compiled once: which rules act, how, and what is never touched. */

import { compileGlob } from '../policy/glob';
import {
  GRACE_MINUTES,
  MAX_EVENT_AGE_MINUTES,
  type Policy,
  REMEDIATION_MODES,
  type RemediationMode,
  type Remedy,
  type RuleId,
} from '../policy/schema';

/** Marks an instance that broke a rule with `remediate`; its value names the rules. */
export const VIOLATION_TAG = 'ec2trail:violation';
/** When a marked instance will be stopped (UTC, ISO 8601), for `stop` rules. */
export const DEADLINE_TAG = 'ec2trail:deadline';
/** Set by a person (any value: the reason) to keep a marked instance running. */
export const ACK_TAG = 'ec2trail:ack';
/** Keeps an instance untouched by remediation whatever the policy says. */
export const BUILT_IN_PROTECTED_TAG = ['ec2trail:protected', 'true'] as const;

export interface RemediationSettings {
  readonly mode: RemediationMode;
  readonly graceMs: number;
  /** How old a launch event may be for remediation to act on it. */
  readonly maxEventAgeMs: number;
  /** The enabled rules that remediate, and how. */
  readonly remedies: ReadonlyMap<RuleId, Remedy>;
  /** Tag key → value pattern: an instance with any of them is never tagged or stopped. */
  readonly protectedTags: readonly (readonly [string, RegExp])[];
  /** The same, as written in the policy, for messages and IAM conditions. */
  readonly protectedTagGlobs: readonly (readonly [string, string])[];
}

/**
 * The settings of a policy, or null when no enabled rule remediates. The protected tags are the
 * built-in `ec2trail:protected=true`, the `protectedInstances` rule's tags (enabled or not: they
 * say what is production) and `remediation.protectedTags`.
 */
export function remediationSettingsOf(policy: Policy): RemediationSettings | null {
  const remedies = new Map<RuleId, Remedy>();
  for (const [id, rule] of Object.entries(policy.rules) as [
    RuleId,
    { enabled: boolean; remediate?: Remedy },
  ][]) {
    if (rule?.enabled && rule.remediate) remedies.set(id, rule.remediate);
  }
  if (remedies.size === 0) return null;
  const globs = new Map<string, string[]>();
  const add = (key: string, glob: string) => globs.set(key, [...(globs.get(key) ?? []), glob]);
  add(BUILT_IN_PROTECTED_TAG[0], BUILT_IN_PROTECTED_TAG[1]);
  for (const [key, glob] of Object.entries(policy.rules.protectedInstances?.tags ?? {})) add(key, glob);
  for (const [key, glob] of Object.entries(policy.remediation?.protectedTags ?? {})) add(key, glob);
  const protectedTagGlobs = [...globs].flatMap(([key, list]) =>
    [...new Set(list)].map((glob) => [key, glob] as const),
  );
  return {
    mode: policy.remediation?.mode ?? REMEDIATION_MODES[0],
    graceMs: (policy.remediation?.graceMinutes ?? GRACE_MINUTES.default) * 60_000,
    maxEventAgeMs: (policy.remediation?.maxEventAgeMinutes ?? MAX_EVENT_AGE_MINUTES.default) * 60_000,
    remedies,
    protectedTags: protectedTagGlobs.map(([key, glob]) => [key, compileGlob(glob)] as const),
    protectedTagGlobs,
  };
}

/** The protected tag an instance carries, as `key=glob`, or null. */
export function protectedBy(
  tags: Readonly<Record<string, string>>,
  settings: Pick<RemediationSettings, 'protectedTags' | 'protectedTagGlobs'>,
): string | null {
  for (let i = 0; i < settings.protectedTags.length; i++) {
    const entry = settings.protectedTags[i];
    const glob = settings.protectedTagGlobs[i];
    if (!entry || !glob) continue;
    const value = tags[entry[0]];
    if (value !== undefined && entry[1].test(value)) return `${glob[0]}=${glob[1]}`;
  }
  return null;
}
