/**
 * An instance's launch from the trail's log files in S3, for launches older than Event history's
 * 90 days (or missing from it). Only the files that can hold the launch are read: that account's
 * and region's folder of the launch's UTC day (and the next day's, for a launch in the day's last
 * hour), and of those only the files whose name stamp (when CloudTrail wrote them) is from the
 * launch's minute to an hour after it. The original launch time comes from the primary network
 * interface's attachment, which a stop and start do not move.
 */

import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { entriesOf } from '../../lambda/domain/shapes';
import { logsFolder } from '../../lambda/domain/trail-log-key';
import { nameTimeOf } from '../../lambda/trail/provenance';
import { describeError } from '../errors';
import { readS3Inputs, type S3Location } from '../s3-inputs';
import type { InventoryInstance } from './ec2-instances';

export type TrailLaunch =
  | { readonly status: 'found'; readonly record: Record<string, unknown> }
  | { readonly status: 'not-found'; readonly filesRead: number }
  | { readonly status: 'unreadable'; readonly error: string };

/** CloudTrail delivers a file within about 15 minutes of its events; an hour leaves room. */
const DELIVERY_WINDOW_MS = 3_600_000;

const folderOfDay = (ms: number) => new Date(ms).toISOString().slice(0, 10).replaceAll('-', '/');

export class TrailLaunchFinder {
  private roots: Promise<string[]> | null = null;
  /** Log files read, over every instance. */
  filesRead = 0;

  constructor(
    private readonly s3: S3Client,
    private readonly trail: S3Location,
  ) {}

  /** `AWSLogs/`, and each organization's folder under it when the trail is an organization's. */
  private logRoots(): Promise<string[]> {
    this.roots ??= (async () => {
      const base = logsFolder(this.trail.prefix);
      const { CommonPrefixes } = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.trail.bucket, Prefix: base, Delimiter: '/' }),
      );
      const organizations = (CommonPrefixes ?? []).flatMap((p) =>
        p.Prefix && /\/o-[a-z0-9]{10,32}\/$/.test(p.Prefix) ? [p.Prefix] : [],
      );
      return [base, ...organizations];
    })();
    return this.roots;
  }

  async find(instance: InventoryInstance): Promise<TrailLaunch> {
    const launchedMs = Date.parse(instance.originalLaunchTime ?? instance.launchTime ?? '');
    if (!Number.isFinite(launchedMs) || instance.account === null)
      return { status: 'not-found', filesRead: 0 };
    const from = launchedMs - 60_000;
    const to = launchedMs + DELIVERY_WINDOW_MS;
    const days = [...new Set([folderOfDay(launchedMs), folderOfDay(to)])];
    const keep = (key: string) => {
      const stamp = nameTimeOf(key);
      return stamp !== null && stamp >= from && stamp <= to;
    };
    let filesRead = 0;
    try {
      for (const root of await this.logRoots())
        for (const day of days) {
          const location = {
            bucket: this.trail.bucket,
            prefix: `${root}${instance.account}/CloudTrail/${instance.region}/${day}/`,
          };
          for await (const file of readS3Inputs(this.s3, location, { keep })) {
            filesRead++;
            this.filesRead++;
            for await (const item of file.items) {
              if (item.kind !== 'json') continue;
              // A log file is one document, `{"Records": [...]}`: its records one by one.
              for (const entry of entriesOf(item.value)) {
                if (entry.kind !== 'record') continue;
                const record = entry.record;
                if (
                  record.eventName === 'RunInstances' &&
                  JSON.stringify(record.responseElements ?? null).includes(instance.instanceId)
                )
                  return { status: 'found', record };
              }
            }
          }
        }
    } catch (error) {
      return { status: 'unreadable', error: describeError(error) };
    }
    return { status: 'not-found', filesRead };
  }
}
