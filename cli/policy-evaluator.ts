/** Applies a policy to the events a command reads, with the history of what it has read so far. */

import { MemoryAttributionStore } from '../lambda/adapters/memory-attribution-store';
import {
  type AttributionRecord,
  type CompiledPolicy,
  compilePolicy,
  evaluate,
  factsNeeded,
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

/**
 * Evaluates each event against the policy. Rules that look at history (protected instances,
 * launch quotas) see the events read earlier in the same run, as the deployed function sees
 * the table.
 */
export class PolicyEvaluator {
  private readonly seen = new MemoryAttributionStore();

  constructor(private readonly policy: CompiledPolicy) {}

  async evaluate(records: readonly AttributionRecord[]): Promise<Violation[]> {
    const first = records[0];
    if (!first) return [];
    const needed = factsNeeded(records, this.policy);
    const history = new Map(
      await Promise.all(needed.historyOf.map(async (id) => [id, await this.seen.history(id)] as const)),
    );
    const earlier = needed.quota
      ? await this.seen.countLaunches(
          { arn: needed.quota.actorArn, name: needed.quota.actorName },
          needed.quota.fromMs,
          needed.quota.toMs,
          first.eventKey,
        )
      : undefined;
    await this.seen.putRecords(records, { ingestedBy: 'replay', now: new Date(0) });
    return evaluate(records, this.policy, {
      history,
      ...(earlier !== undefined
        ? { launchesInWindow: earlier + records.filter((r) => r.instanceId !== null).length }
        : {}),
    });
  }
}
