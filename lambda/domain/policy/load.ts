/** Turns a raw policy document into a compiled policy, or every problem with the path of its field. */

import type { z } from 'zod';
import { type CompiledPolicy, compilePolicy } from './compile';
import { type Policy, PolicySchema } from './schema';

export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid policy (${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function pathOf(path: readonly PropertyKey[]): string {
  return (
    path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '') || '(root)'
  );
}

export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const where = issue.path.length > 0 ? `${pathOf(issue.path)}: ` : '';
      return `${where}unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    }
    return `${pathOf(issue.path)}: ${issue.message}`;
  });
}

/** Validates a policy document. */
export function parsePolicy(raw: unknown, source: string): Policy {
  const result = PolicySchema.safeParse(raw);
  if (!result.success) throw new PolicyError(source, describeIssues(result.error.issues));
  return result.data;
}

export function loadPolicy(raw: unknown, source: string): CompiledPolicy {
  return compilePolicy(parsePolicy(raw, source));
}
