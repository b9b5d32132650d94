/**
 * Where a trail delivers its log files, as AWS documents it:
 * `[prefix/]AWSLogs/[o-orgid/]<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<time>_<id>.json.gz`.
 * Digest files (`CloudTrail-Digest/`), Insights events (`CloudTrail-Insight/`) and any other
 * object beside them are not log files of management events and are left alone.
 */

export interface TrailLogKey {
  /** The bucket prefix before `AWSLogs/`, without a trailing slash ('' when none). */
  readonly prefix: string;
  /** The organization id, for an organization trail. */
  readonly organization: string | null;
  readonly account: string;
  readonly region: string;
  /** The UTC day the file's events belong to, YYYY-MM-DD. */
  readonly day: string;
}

const LOG_KEY =
  /^(?:(.*)\/)?AWSLogs\/(?:(o-[a-z0-9]{10,32})\/)?(\d{12})\/CloudTrail\/([a-z]{2}(?:-[a-z]+)+-\d)\/(\d{4})\/(\d{2})\/(\d{2})\/[^/]+\.json\.gz$/;

/** The parts of a trail log file's key, or null when the key is not one. */
export function parseTrailLogKey(key: string): TrailLogKey | null {
  const match = LOG_KEY.exec(key);
  if (!match) return null;
  // Every group but the prefix and the organization takes part in any match: the regex guarantees them.
  const [, prefix = '', organization, account = '', region = '', year, month, day] = match;
  return {
    prefix,
    organization: organization ?? null,
    account,
    region,
    day: `${year}-${month}-${day}`,
  };
}

/** The folder under which a trail with this bucket prefix writes its logs (`AWSLogs/` or `p/AWSLogs/`). */
export function logsFolder(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? 'AWSLogs/' : `${trimmed}/AWSLogs/`;
}
