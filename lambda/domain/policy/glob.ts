/** Shell-style globs (`*` any run of characters, `?` one character), compiled once. */

const FORBIDDEN = /[\s[\]{}]/;

/** Why a glob is not usable, or null when it is. */
export function globProblem(glob: string): string | null {
  if (glob.length === 0) return 'a pattern cannot be empty';
  if (FORBIDDEN.test(glob))
    return `"${glob}" is not a valid pattern: only * and ? are wildcards, and spaces and [ ] { } are not allowed`;
  return null;
}

export function compileGlob(glob: string, caseInsensitive = false): RegExp {
  const source = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, caseInsensitive ? 'i' : '');
}

/** True when `value` matches any of the compiled globs. */
export function matchesAny(patterns: readonly RegExp[], value: string | null | undefined): boolean {
  if (value === null || value === undefined) return false;
  for (const pattern of patterns) if (pattern.test(value)) return true;
  return false;
}
