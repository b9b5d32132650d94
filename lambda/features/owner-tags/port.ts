import type { OwnerTagPlan } from '../../domain/owner-tags';

/** What became of one launch's owner tags. */
export interface OwnerTagOutcome {
  /** Resource-tag pairs written. */
  readonly written: number;
  /** Pairs left alone: the resource had the key already (`overwrite` off). */
  readonly kept: number;
  /** Why pairs could not be written, after the retries; empty when all went well. */
  readonly problems: readonly string[];
  /** True when the resources are in an account this deploy may not tag (another account's log files). */
  readonly notOurs?: boolean;
}

/** Writes owner tags on EC2 resources (the instance's account and region). Never throws. */
export interface OwnerTagger {
  /** `repeat`: a second delivery of the launch, whose tags are likely written already. */
  apply(plan: OwnerTagPlan, options: { readonly repeat: boolean }): Promise<OwnerTagOutcome>;
}
