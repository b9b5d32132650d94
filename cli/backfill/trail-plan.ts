/**
 * Which prefixes of a trail bucket a backfill reads: one per account, region and month, found by
 * listing the bucket's folders (`AWSLogs/[o-…/]<account>/CloudTrail/<region>/YYYY/MM/`), or
 * narrowed by `--accounts` and `--regions`.
 */

import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { logsFolder } from '../../lambda/domain/trail-log-key';

export interface TrailPrefix {
  readonly account: string;
  readonly region: string;
  /** YYYY-MM */
  readonly month: string;
  /** The key prefix the state machine lists: `…/CloudTrail/<region>/YYYY/MM/`. */
  readonly prefix: string;
}

export interface PlanOptions {
  /** The trail's key prefix (before AWSLogs/). */
  readonly trailPrefix: string;
  readonly since: Date;
  readonly until: Date;
  readonly accounts?: readonly string[] | undefined;
  readonly regions?: readonly string[] | undefined;
}

/** The folders directly under `prefix` (a listing with a delimiter). */
export type ListFolders = (prefix: string) => Promise<string[]>;

export function s3Folders(client: S3Client, bucket: string): ListFolders {
  return async (prefix) => {
    const folders: string[] = [];
    for await (const page of paginateListObjectsV2(
      { client },
      { Bucket: bucket, Prefix: prefix, Delimiter: '/' },
    ))
      for (const common of page.CommonPrefixes ?? []) if (common.Prefix) folders.push(common.Prefix);
    return folders;
  };
}

/** Every month from `since`'s to `until`'s, as YYYY/MM. */
export function monthsBetween(since: Date, until: Date): string[] {
  const months: string[] = [];
  let year = since.getUTCFullYear();
  let month = since.getUTCMonth();
  const lastYear = until.getUTCFullYear();
  const lastMonth = until.getUTCMonth();
  while (year < lastYear || (year === lastYear && month <= lastMonth)) {
    months.push(`${year}/${String(month + 1).padStart(2, '0')}`);
    month++;
    if (month === 12) {
      month = 0;
      year++;
    }
  }
  return months;
}

function lastSegment(folder: string): string {
  return folder.replace(/\/$/, '').split('/').pop() ?? '';
}

/** The account folders under AWSLogs/, looking one level deeper for an organization trail's `o-…/`. */
async function accountFolders(list: ListFolders, folder: string): Promise<string[]> {
  const result: string[] = [];
  for (const child of await list(folder)) {
    const name = lastSegment(child);
    if (/^\d{12}$/.test(name)) result.push(child);
    else if (/^o-[a-z0-9]{10,32}$/.test(name))
      for (const inner of await list(child)) if (/^\d{12}$/.test(lastSegment(inner))) result.push(inner);
  }
  return result;
}

/** The prefixes to read, sorted by account, region and month. */
export async function planTrailPrefixes(list: ListFolders, options: PlanOptions): Promise<TrailPrefix[]> {
  const months = monthsBetween(options.since, options.until);
  const plan: TrailPrefix[] = [];
  for (const accountFolder of await accountFolders(list, logsFolder(options.trailPrefix))) {
    const account = lastSegment(accountFolder);
    if (options.accounts && !options.accounts.includes(account)) continue;
    for (const regionFolder of await list(`${accountFolder}CloudTrail/`)) {
      const region = lastSegment(regionFolder);
      if (options.regions && !options.regions.includes(region)) continue;
      for (const month of months)
        plan.push({ account, region, month: month.replace('/', '-'), prefix: `${regionFolder}${month}/` });
    }
  }
  return plan.sort((a, b) => a.prefix.localeCompare(b.prefix));
}
