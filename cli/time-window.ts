/** --since/--until/--account/--in-region, checked the same way by every command that reads a window by day. */

import { UsageError } from './errors';
import { parseTimeArg } from './time-arg';

export const WINDOW_FLAGS = {
  since: { type: 'string' },
  until: { type: 'string' },
  account: { type: 'string' },
  'in-region': { type: 'string' },
} as const;

export function windowHelp(defaultSince: string): string {
  return `  --since TIME        from this time: 30m, 24h, 7d, 2w, 2026-03-01, "2026-03-01 12:00"
                      (UTC), an ISO time with a zone, or epoch seconds (default: ${defaultSince})
  --until TIME        up to this time, in the same forms (default: now); at most 400 days
                      after --since
  --account ID        only calls made in this account
  --in-region REGION  only calls made in this region (--region is the table's, as in
                      the AWS CLI)`;
}

export interface WindowArgs {
  readonly fromMs: number;
  readonly toMs: number;
  readonly account?: string;
  readonly region?: string;
}

export function parseWindow(
  values: { since?: string; until?: string; account?: string; 'in-region'?: string },
  defaultSince: string,
  now = Date.now(),
): WindowArgs {
  const fromMs = parseTimeArg('--since', values.since ?? defaultSince, now);
  const toMs = values.until ? parseTimeArg('--until', values.until, now) : now;
  if (fromMs > toMs) throw new UsageError('--since is after --until');
  // Each UTC day is its own key of the byDay index, read as 65 Queries (64 shards and the
  // unsharded key): 400 days is already 26,000 Queries.
  if (toMs - fromMs > 400 * 86_400_000)
    throw new UsageError(
      'the window is longer than 400 days: it is read day by day (65 Queries a day), so split it into windows of up to 400 days, or ask by instance (who) or by caller (activity)',
    );
  if (values.account !== undefined && !/^\d{12}$/.test(values.account))
    throw new UsageError(`--account "${values.account}" is not a 12-digit account id`);
  const region = values['in-region'];
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)?-[a-z]+-\d$/.test(region))
    throw new UsageError(`--in-region "${region}" is not a region code such as eu-west-1`);
  return {
    fromMs,
    toMs,
    ...(values.account !== undefined ? { account: values.account } : {}),
    ...(region !== undefined ? { region } : {}),
  };
}
