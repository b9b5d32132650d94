/** Applies a policy to the events a command reads, with the history of what it has read so far. */

import {
  type AttributionRecord,
  type CompiledPolicy,
  compilePolicy,
  evaluate,
  factsNeeded,
  type HistoryEntry,
  instancesLaunched,
  PolicyError,
  type Violation,
} from '../lambda/domain';
import { DEFAULT_POLICY_FILE, readPolicyFile } from '../lib/policy-file';
import { UserFacingError } from './errors';

/** Reads and compiles a policy file, the default one when no path is given; a bad file is a user error. */
export function loadPolicyFile(path: string | undefined): CompiledPolicy {
  try {
    return compilePolicy(readPolicyFile(path ?? DEFAULT_POLICY_FILE));
  } catch (error) {
    if (error instanceof PolicyError) throw new UserFacingError(error.message, 2, { cause: error });
    throw error;
  }
}

interface Launch {
  readonly eventKey: string;
  readonly atMs: number;
  readonly instances: number;
}

/**
 * Evaluates each event against the policy. Rules that look at history (protected instances,
 * launch quotas) see the events read earlier in the same run, as the deployed function sees
 * the table. Only what those rules need is kept: memory stays small on large inputs.
 */
export class PolicyEvaluator {
  private readonly history = new Map<string, HistoryEntry[]>();
  private readonly launches = new Map<string, Launch[]>();
  private readonly seen = new Set<string>();

  constructor(private readonly policy: CompiledPolicy) {}

  evaluate(records: readonly AttributionRecord[]): Violation[] {
    const first = records[0];
    if (!first) return [];
    const needed = factsNeeded(records, this.policy);
    const history = new Map(needed.historyOf.map((id) => [id, this.history.get(id) ?? []] as const));
    let launchesInWindow: number | undefined;
    if (needed.quota) {
      const { fromMs, toMs } = needed.quota;
      const mine = this.launches.get(actorKey(needed.quota.actorArn, needed.quota.actorName)) ?? [];
      launchesInWindow =
        mine
          .filter((l) => l.eventKey !== first.eventKey && l.atMs >= fromMs && l.atMs <= toMs)
          .reduce((n, l) => n + l.instances, 0) + instancesLaunched(records);
    }
    this.remember(records);
    return evaluate(records, this.policy, {
      history,
      ...(launchesInWindow !== undefined ? { launchesInWindow } : {}),
    });
  }

  private remember(records: readonly AttributionRecord[]): void {
    const first = records[0];
    if (!first || this.seen.has(first.eventKey)) return;
    this.seen.add(first.eventKey);
    const guard = this.policy.protectedInstances;
    if (guard) {
      for (const record of records) {
        if (record.instanceId === null) continue;
        const entries = this.history.get(record.instanceId) ?? [];
        entries.push({
          action: record.action,
          outcome: record.outcome,
          eventTime: record.eventTime,
          actorName: record.actor.name,
          tags: record.launch?.tags ?? null,
        });
        this.history.set(record.instanceId, entries);
      }
    }
    const atMs = first.eventTime ? Date.parse(first.eventTime) : Number.NaN;
    if (
      this.policy.launchQuota &&
      first.action === 'launch' &&
      first.outcome === 'success' &&
      !Number.isNaN(atMs)
    ) {
      const key = actorKey(first.actor.arn, first.actor.name);
      const list = this.launches.get(key) ?? [];
      list.push({
        eventKey: first.eventKey,
        atMs,
        instances: instancesLaunched(records),
      });
      this.launches.set(key, list);
    }
  }
}

function actorKey(arn: string | null, name: string | null): string {
  return arn ? `arn ${arn}` : `name ${name ?? ''}`;
}
