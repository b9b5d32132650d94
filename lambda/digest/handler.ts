/**
 * The scheduled digest: EventBridge Scheduler invokes it with `{"period":"daily"}` or
 * `{"period":"weekly"}`; it reads the last day or week of the table and publishes the team's
 * digest, then (with `people`) one digest per person who did something, on the alert topic with
 * `kind=digest`, so each subscription's filter policy decides who receives which.
 */

import * as z from 'zod/mini';
import { renderDigest } from '../domain/digest/render';
import { peopleIn, summarize, withForgotten } from '../domain/digest/summarize';
import { forgottenSection, type InventorySnapshot } from '../domain/inventory/snapshot';
import type { AlertPublisher } from '../ports';
import type { Log } from '../telemetry';
import { collectDigestInputs, type DigestSource, type SentAlertSource } from './collect';

export const DIGEST_PERIODS = { daily: 86_400_000, weekly: 7 * 86_400_000 } as const;
export type DigestPeriod = keyof typeof DIGEST_PERIODS;

const DigestEventSchema = z.object({ period: z.enum(['daily', 'weekly']) });

/** Personal digests one run sends at most: a digest is for people, not for every role in a fleet. */
export const PERSONAL_DIGESTS_MAX = 500;

export interface DigestDeps {
  readonly source: DigestSource;
  readonly sent: SentAlertSource;
  readonly publisher: AlertPublisher;
  readonly logger: Log;
  readonly clock?: () => Date;
  /** Send each person their own digest too. */
  readonly personal: boolean;
  /** The latest inventory, for the section of possibly forgotten instances. @default none */
  readonly snapshots?: { latest(): Promise<InventorySnapshot | null> };
}

export interface DigestResult {
  readonly period: DigestPeriod;
  readonly from: string;
  readonly to: string;
  readonly published: number;
  readonly people: number;
}

export class NotADigestEventError extends Error {
  override readonly name = 'NotADigestEventError';
}

/** The latest snapshot; a snapshot that cannot be read costs the digest its section, not the digest. */
async function latestSnapshot(deps: DigestDeps): Promise<InventorySnapshot | null> {
  if (!deps.snapshots) return null;
  try {
    return await deps.snapshots.latest();
  } catch (error) {
    deps.logger.warn('The inventory snapshot could not be read: the digest goes out without its section', {
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    return null;
  }
}

export function createDigestHandler(deps: DigestDeps): (event: unknown) => Promise<DigestResult> {
  const clock = deps.clock ?? (() => new Date());
  return async function digest(event: unknown): Promise<DigestResult> {
    const parsed = DigestEventSchema.safeParse(event);
    if (!parsed.success) {
      deps.logger.error('Digest invoked without {"period": "daily" | "weekly"}', {
        problems: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
      });
      throw new NotADigestEventError('expected {"period": "daily"} or {"period": "weekly"}');
    }
    const { period } = parsed.data;
    const toMs = clock().getTime();
    const window = { fromMs: toMs - DIGEST_PERIODS[period], toMs };
    const { rows, alerts } = await collectDigestInputs(deps.source, deps.sent, window);
    const snapshot = await latestSnapshot(deps);
    const team = withForgotten(summarize(rows, alerts, window), forgottenSection(snapshot, toMs));
    await deps.publisher.publish(renderDigest(team));
    let published = 1;
    const people = deps.personal ? peopleIn(rows, window) : [];
    if (people.length > PERSONAL_DIGESTS_MAX)
      deps.logger.warn('More people than personal digests sent in one run: the rest get none this time', {
        people: people.length,
        sent: PERSONAL_DIGESTS_MAX,
      });
    // Every digest is tried; a failure is rethrown at the end, so Scheduler retries the run.
    const failures: string[] = [];
    for (const address of people.slice(0, PERSONAL_DIGESTS_MAX)) {
      try {
        const own = summarize(rows, alerts, window, address.person);
        await deps.publisher.publish(
          renderDigest(withForgotten(own, forgottenSection(snapshot, toMs, address.person)), address),
        );
        published += 1;
      } catch (error) {
        failures.push(
          `${address.person}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
        );
      }
    }
    const result = { period, from: team.from, to: team.to, published, people: people.length };
    if (failures.length > 0) {
      deps.logger.error('Some personal digests were not published', {
        ...result,
        failures: failures.slice(0, 10),
      });
      throw new Error(`${failures.length} of ${people.length} personal digests were not published`);
    }
    deps.logger.info('Digest published', { ...result, rows: rows.length, alerts: alerts.size });
    return result;
  };
}
