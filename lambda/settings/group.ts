/**
 * A feature's settings: a group of environment names set together or not at all. The feature's
 * CDK part writes them (typed by `GroupInput`) and its runtime part reads them at cold start
 * with `readGroup`, so both sides name them from one declaration in the feature's folder.
 */

import type * as z from 'zod/mini';

/** Each name's validator, reading the text of the environment variable. */
export type GroupFields = Readonly<Record<string, z.ZodMiniType<unknown, string>>>;

/** What the CDK side writes: every name of the group, each a string (a token until deploy). */
export type GroupInput<F extends GroupFields> = { readonly [K in keyof F]: string };

/** The group's values, each as its validator reads it. */
export type GroupValues<F extends GroupFields> = { readonly [K in keyof F]: z.output<F[K]> };

/** The group as read: its value when every name is set and valid, null when none is set. */
export interface GroupReading<T> {
  readonly value: T | null;
  /** Every problem, each naming its variable. */
  readonly problems: readonly string[];
}

export function readGroup<F extends GroupFields, T>(
  fields: F,
  env: Readonly<Record<string, string | undefined>>,
  read: (values: GroupValues<F>) => T,
): GroupReading<T> {
  const names = Object.keys(fields);
  const missing = names.filter((name) => env[name] === undefined);
  if (missing.length === names.length) return { value: null, problems: [] };
  const problems: string[] = [];
  if (missing.length > 0)
    problems.push(
      `${missing.join(', ')}: must be set with ${names.filter((n) => !missing.includes(n)).join(', ')}`,
    );
  const values: Record<string, unknown> = {};
  for (const name of names) {
    if (env[name] === undefined) continue;
    const result = fields[name]?.safeParse(env[name]);
    if (result?.success) values[name] = result.data;
    else problems.push(`${name}: ${result?.error.issues[0]?.message ?? 'is not valid'}`);
  }
  // Every name was set and read through its own validator, so `values` holds the group's outputs.
  return problems.length > 0
    ? { value: null, problems }
    : { value: read(values as GroupValues<F>), problems };
}
