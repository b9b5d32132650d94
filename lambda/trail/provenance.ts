/**
 * Whether a log file announced on the trail-file queue was written by CloudTrail, and lately: only
 * then may its events alert and remediate. Anyone with `s3:PutObject` on the bucket can write a
 * file that looks like a trail's, and routine work (an archive restore, `aws s3 sync`, replication,
 * a bucket migration) writes old ones; neither is a delivery. Pure.
 */

import type { LogFileRef } from './messages';

/** The service principal S3 names as the requester of CloudTrail's deliveries (organization trails too). */
export const CLOUDTRAIL_PRINCIPAL = 'cloudtrail.amazonaws.com';

/**
 * The session CloudTrail's delivery role writes under, as S3 event notifications show it
 * (`AWS:<role id>:regionalDeliverySession`). Weaker than the requester: a role in the bucket's
 * account could take the same session name, which is why ec2trail's own deploy reads S3's
 * EventBridge events, whose requester no caller can choose.
 */
const DELIVERY_SESSION = /^AWS:AROA[A-Z0-9]{8,}:regionalDeliverySession$/;

/**
 * How far apart the time in a log file's name (when CloudTrail wrote it) and S3's announcement may
 * be. A delivery lands minutes after its name's time; six hours leaves room for delayed deliveries
 * and still tells a copy of an old file from a new one.
 */
export const NAME_TIME_TOLERANCE_MS = 6 * 3_600_000;

/** The time in a log file's name (`…_CloudTrail_<region>_20260302T2355Z_<id>.json.gz`), or null. */
export function nameTimeOf(key: string): number | null {
  const match = /_CloudTrail_[a-z0-9-]+_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_[^/]+$/.exec(key);
  if (!match) return null;
  const [, y, mo, d, h, mi] = match;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi));
  return Number.isNaN(ms) ? null : ms;
}

/** Null when the file is CloudTrail's recent delivery; otherwise why it is not read, in words. */
export function untrustedBecause(file: LogFileRef): string | null {
  const writer = file.writer;
  if (writer === null) return null;
  if (writer.field === 'requester' && writer.value !== CLOUDTRAIL_PRINCIPAL)
    return `written by ${writer.value ?? 'an unnamed requester'}, not by ${CLOUDTRAIL_PRINCIPAL}`;
  if (writer.field === 'principalId' && !DELIVERY_SESSION.test(writer.value ?? ''))
    return `written by ${writer.value ?? 'an unnamed principal'}, not by CloudTrail's delivery session`;
  const named = nameTimeOf(file.key);
  if (named === null) return "the file's name carries no delivery time";
  if (file.createdAtMs !== null && Math.abs(file.createdAtMs - named) > NAME_TIME_TOLERANCE_MS)
    return `its name dates it ${new Date(named).toISOString()}, but it was written ${new Date(file.createdAtMs).toISOString()}: a copy, not a delivery`;
  return null;
}
