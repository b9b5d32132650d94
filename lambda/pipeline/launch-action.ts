/**
 * How an optional feature acts beside the row and the alert. Owner tags, remediation, violation
 * events and Security Hub findings each implement `LaunchAction`; the handler calls whichever a
 * deploy turned on, in the order they were given, without knowing what they are.
 *
 * Actions run for live and recovered events only: a backfill or a replay of history records
 * rows and acts on nothing (`RunMode.acts`).
 */

import type { AlertMessage, AttributionRecord, CompiledPolicy, Violation } from '../domain';
import type { RuleId } from '../domain/policy/schema';
import type { PolicyLookups } from '../ports';
import type { Log, MetricSink } from '../telemetry';

/** What the pipeline shares with its actions, built once per handler. */
export interface PipelineContext {
  /** An instance's rows, newest first. */
  readonly history: PolicyLookups['history'];
  readonly policy: CompiledPolicy;
  /** The policy's advice per rule, as the alert words it. */
  readonly advice: Readonly<Record<RuleId, string>>;
  readonly logger: Log;
  readonly metrics: MetricSink;
  readonly clock: () => Date;
}

/** An alert about to be published by the invocation that holds its claim. */
export interface ClaimedAlert {
  readonly about: readonly AttributionRecord[];
  readonly violations: readonly Violation[];
  /** The launch's own alert; false for an alert about a stop or terminate of a protected instance. */
  readonly launch: boolean;
}

/** A change to the alert's text, such as what remediation did. */
export type AlertRevision = (message: AlertMessage) => AlertMessage;

export interface LaunchAction {
  /**
   * Runs under the alert's claim, before the alert is rendered, so a redelivery does not act
   * again and the alert can say what was done. A thrown error fails the alert, which is retried
   * with the event; an action whose failure must not hold the alert back catches its own.
   */
  beforeAlert?(alert: ClaimedAlert): Promise<AlertRevision | null>;
  /**
   * Runs after the row and the alert. Must not throw: the row is the record, and what an action
   * could not do is logged, counted and alarmed by the action itself.
   */
  afterRecord?(records: readonly AttributionRecord[], after: { readonly repeat: boolean }): Promise<void>;
}

/** A launch action as a deploy configured it, bound to the pipeline when the handler is built. */
export type LaunchActionFactory = (pipeline: PipelineContext) => LaunchAction;
