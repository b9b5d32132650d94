/** Owner tags on what a launch created: after the row and the alert, never failing the event. */

import type { AttributionRecord } from '../../domain';
import { type OwnerTagSettings, planOwnerTags } from '../../domain/owner-tags';
import type { LaunchActionFactory } from '../../pipeline/launch-action';
import type { Log, MetricSink } from '../../telemetry';
import { OWNER_TAG_METRICS } from './contract';
import type { OwnerTagger } from './port';

/** Writes the launch's owner tags; logs and counts what could not be written, never throws. */
export async function tagOwner(
  owner: { readonly settings: OwnerTagSettings; readonly tagger: OwnerTagger },
  records: readonly AttributionRecord[],
  options: { readonly repeat: boolean; readonly logger: Log; readonly metrics: MetricSink },
): Promise<void> {
  const { logger, metrics } = options;
  const plan = planOwnerTags(records, owner.settings);
  if (!plan) return;
  const outcome = await owner.tagger.apply(plan, { repeat: options.repeat }).catch((error: unknown) => ({
    written: 0,
    kept: 0,
    problems: [error instanceof Error ? `${error.name}: ${error.message}` : String(error)],
  }));
  if ('notOurs' in outcome && outcome.notOurs) {
    logger.info('Owner tags not written: the instance is in another account', { account: plan.account });
    return;
  }
  if (outcome.written > 0) metrics.addMetric(OWNER_TAG_METRICS.written, 'Count', outcome.written);
  if (outcome.kept > 0) metrics.addMetric(OWNER_TAG_METRICS.kept, 'Count', outcome.kept);
  if (outcome.problems.length > 0) {
    metrics.addMetric(OWNER_TAG_METRICS.failures, 'Count', 1);
    logger.error('Owner tags not written: the row and the alert are unaffected', {
      account: plan.account,
      region: plan.region,
      resources: plan.calls.flatMap((c) => c.resources).slice(0, 20),
      problems: outcome.problems.slice(0, 10),
    });
  }
}

/** The launch action: owner tags after the row and the alert (a repeat delivery keeps what it wrote). */
export function ownerTagAction(owner: {
  readonly settings: OwnerTagSettings;
  readonly tagger: OwnerTagger;
}): LaunchActionFactory {
  return ({ logger, metrics }) => ({
    afterRecord: (records, { repeat }) => tagOwner(owner, records, { repeat, logger, metrics }),
  });
}
