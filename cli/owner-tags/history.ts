/**
 * `replay --apply-owner-tags`: the owner tags history would have got, collected while replaying,
 * then shown (the default, a dry run) or written with the user's credentials (`--yes`).
 */

import type { AttributionRecord } from '../../lambda/domain';
import {
  type InstanceOwnerTags,
  type OwnerTagPlan,
  type OwnerTagSettings,
  ownerTagsPerInstance,
  planOwnerTags,
} from '../../lambda/domain/owner-tags';
import { count, number } from '../counts';
import type { HistoryOwnerTagger } from './history-tagger';

interface Launch {
  readonly plan: OwnerTagPlan;
  readonly instances: ReadonlyMap<string, InstanceOwnerTags>;
}

export class OwnerTagHistory {
  /** By event key: the same launch in two overlapping files is planned once. */
  private readonly launches = new Map<string, Launch>();

  constructor(private readonly settings: OwnerTagSettings) {}

  take(records: readonly AttributionRecord[]): void {
    const plan = planOwnerTags(records, this.settings);
    if (!plan || this.launches.has(plan.eventKey)) return;
    this.launches.set(plan.eventKey, { plan, instances: ownerTagsPerInstance(records, this.settings) });
  }

  get size(): number {
    return this.launches.size;
  }

  /**
   * One line per instance: id, account/region, the tags, how many resources get them, what is
   * kept. Sorted by account/region, then id: replay links service launches several at once, so the
   * order launches are taken in varies from run to run.
   */
  previewLines(): string[] {
    const lines: string[] = [];
    for (const { plan, instances } of this.launches.values()) {
      for (const [instanceId, view] of instances) {
        const tags = Object.entries(view.tags).map(([k, v]) => `${k}=${v}`);
        const kept = [...new Set(view.kept.map((k) => k.key))];
        lines.push(
          [
            instanceId,
            `${plan.account ?? '?'}/${plan.region ?? '?'}`,
            tags.length > 0 ? tags.join(' ') : '(instance keeps all its keys)',
            `${count(view.resources.length, 'resource')}${kept.length > 0 ? `, kept: ${kept.join(' ')}` : ''}`,
          ].join('\t'),
        );
      }
    }
    const sortKey = (line: string) => {
      const [id = '', place = ''] = line.split('\t');
      return `${place}\t${id}`;
    };
    return lines.sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  }

  previewSummary(): string {
    let pairs = 0;
    let kept = 0;
    const resources = new Set<string>();
    let instances = 0;
    for (const { plan, instances: view } of this.launches.values()) {
      instances += view.size;
      kept += plan.kept.length;
      for (const call of plan.calls) {
        pairs += call.resources.length * call.tags.length;
        for (const r of call.resources) resources.add(r);
      }
    }
    return (
      `Owner tags, dry run (nothing was written): ${count(this.launches.size, 'launch', 'launches')}, ` +
      `${count(instances, 'instance')}: ${count(pairs, 'tag')} on ${count(resources.size, 'resource')}, ` +
      `${number(kept)} kept (set at launch). Add --yes to write them with your credentials; ` +
      (this.settings.overwrite
        ? 'overwrite is on: tags the resources have now are replaced.'
        : 'the tags each resource has now are read first, and its keys are kept.')
    );
  }

  /** Writes every launch's tags; the summary lines, and whether anything failed. */
  async write(tagger: HistoryOwnerTagger): Promise<{ readonly lines: string[]; readonly failed: boolean }> {
    let written = 0;
    let kept = 0;
    let tagged = 0;
    let otherAccounts = 0;
    const gone: string[] = [];
    const failures: string[] = [];
    for (const { plan } of this.launches.values()) {
      if (!tagger.canTag(plan)) {
        otherAccounts++;
        continue;
      }
      const outcome = await tagger.apply(plan);
      written += outcome.written;
      kept += outcome.kept;
      if (outcome.written > 0) tagged++;
      gone.push(...outcome.gone);
      for (const f of outcome.failed)
        failures.push(
          `  ${f.resources.slice(0, 5).join(' ')}${f.resources.length > 5 ? ' …' : ''}: ${f.code}`,
        );
    }
    const lines = [
      `Owner tags written: ${count(written, 'tag')} on the resources of ${count(tagged, 'launch', 'launches')}; ` +
        `${number(kept)} kept (the resource had the key); ${count(gone.length, 'resource')} gone (terminated or deleted)` +
        (otherAccounts > 0
          ? `; ${count(otherAccounts, 'launch', 'launches')} of other accounts skipped (run with their credentials)`
          : '') +
        '.',
    ];
    if (failures.length > 0) {
      lines.push(`${count(failures.length, 'call')} failed:`, ...failures.slice(0, 20));
      if (failures.length > 20) lines.push(`  … and ${number(failures.length - 20)} more`);
      lines.push('Run the same command again to finish: tags already written are kept as they are.');
    }
    return { lines, failed: failures.length > 0 };
  }
}
