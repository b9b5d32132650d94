/** The remediation function's input: the stop request a schedule carries, checked at the boundary. */

import * as z from 'zod/mini';
import { RULE_IDS, type RuleId, SEVERITIES } from '../domain/policy/schema';
import type { StopRequest } from '../domain/remediation/plan';

const StopRequestSchema = z.strictObject({
  version: z.literal(1),
  name: z.string().check(z.regex(/^[0-9A-Za-z_.-]{1,64}$/)),
  eventKey: z.string().check(z.minLength(1)),
  account: z.string().check(z.regex(/^\d{12}$/)),
  region: z.string().check(z.regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/)),
  instanceIds: z
    .array(z.string().check(z.regex(/^i-[0-9a-zA-Z]{1,32}$/)))
    .check(z.minLength(1), z.maxLength(1000)),
  rules: z.array(z.enum(RULE_IDS as [string, ...string[]])).check(z.minLength(1)),
  severity: z.enum(SEVERITIES),
  at: z.iso.datetime(),
  launchedBy: z.nullable(z.string()),
  launchedAt: z.nullable(z.string()),
  // Absent in requests scheduled before it was kept: their deadline alert then goes to the team.
  person: z.optional(z.nullable(z.string())),
});

/** The request, or the problems that make it unusable (a schedule not written by ec2trail, say). */
export function parseStopRequest(
  value: unknown,
): { ok: true; request: StopRequest } | { ok: false; problems: string[] } {
  const result = StopRequestSchema.safeParse(value);
  if (result.success) {
    const rules = result.data.rules.filter((r): r is RuleId => (RULE_IDS as readonly string[]).includes(r));
    return { ok: true, request: { ...result.data, rules } };
  }
  return {
    ok: false,
    problems: result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
  };
}
