/**
 * An instance's launch from the trail's log files in S3, for launches older than Event history's
 * 90 days (or missing from it). Only the files that can hold the launch are read: that account's
 * and region's folder of the launch's UTC day (and the next day's, for a launch in the day's last
 * hour), and of those only the files whose name stamp (when CloudTrail wrote them) is from the
 * launch's minute to an hour after it. The original launch time comes from the primary network
 * interface's attachment, which a stop and start do not move.
 */

import { ListObjectsV2Command, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { entriesOf } from '../domain/shapes';
import { logsFolder } from '../domain/trail-log-key';
import { describeError, streamInput } from '../ingest/decode';
import type { TrailLogSource } from '../ports';
import { nameTimeOf } from '../trail/provenance';
import type { InventoryInstance } from './ec2-instances';

/** A trail's bucket, and the key prefix before `AWSLogs/` (empty when none). */
export interface TrailLocation {
  readonly bucket: string;
  readonly prefix: string;
}

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
    private readonly trail: TrailLocation,
    private readonly logs: TrailLogSource,
  ) {}

  /** The keys under `prefix` that `keep` chooses, page by page. */
  private async *keys(prefix: string, keep: (key: string) => boolean): AsyncGenerator<string> {
    for await (const page of paginateListObjectsV2(
      { client: this.s3 },
      { Bucket: this.trail.bucket, Prefix: prefix },
    ))
      for (const object of page.Contents ?? []) if (object.Key && keep(object.Key)) yield object.Key;
  }

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
          const prefix = `${root}${instance.account}/CloudTrail/${instance.region}/${day}/`;
          for await (const key of this.keys(prefix, keep)) {
            filesRead++;
            this.filesRead++;
            const items = streamInput(
              `s3://${this.trail.bucket}/${key}`,
              await this.logs.open(this.trail.bucket, key),
            );
            for await (const item of items) {
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
