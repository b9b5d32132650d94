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
import { loadFacts, needsLookups } from '../lambda/policy-facts';
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
 * launch quotas) see the events read in the same run, through the same facts loader the function
 * uses, over the in-memory store. Only what those rules read is kept: memory stays small.
 */
const EPOCH = new Date(0);

export class PolicyEvaluator {
  private readonly store: MemoryAttributionStore;

  constructor(private readonly policy: CompiledPolicy) {
    this.store = new MemoryAttributionStore({
      keepRows: false,
      keepHistory: policy.protectedInstances !== undefined,
    });
  }

  async evaluate(records: readonly AttributionRecord[]): Promise<Violation[]> {
    // Only the protected-instances rule reads rows; the quota keeps its own counts.
    const written = this.policy.protectedInstances
      ? this.store.putRecords(records, { ingestedBy: 'replay', now: EPOCH })
      : Promise.resolve();
    const needed = factsNeeded(records, this.policy);
    const facts = needsLookups(needed) ? await loadFacts(records, needed, this.store, written) : {};
    await written;
    return evaluate(records, this.policy, facts);
  }
}
