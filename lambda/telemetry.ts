/** The slices of Powertools Logger and Metrics the handler uses, so tests can pass fakes. */

import type { Logger } from '@aws-lambda-powertools/logger';

export type Log = Pick<Logger, 'debug' | 'info' | 'warn' | 'error' | 'appendKeys' | 'resetKeys'>;

/** What the handler needs of Powertools Metrics: counters, flushed once per invocation. */
export interface MetricSink {
  addMetric(name: string, unit: 'Count' | 'Seconds' | 'Percent', value: number): unknown;
  publishStoredMetrics(): unknown;
}

/**
 * The core's metric names, in one place for the handler, the dashboard and the alarms. Each
 * optional feature names its own in its folder's contract.ts.
 */
export const METRIC = {
  eventsProcessed: 'EventsProcessed',
  recordsWritten: 'RecordsWritten',
  duplicatesSkipped: 'DuplicatesSkipped',
  eventsSkipped: 'EventsSkipped',
  malformedEvents: 'MalformedEvents',
  alertsPublished: 'AlertsPublished',
  /** Alerts sent under a claim whose earlier holder died: possibly a repeat of one already sent. */
  alertsPossiblyRepeated: 'AlertsPossiblyRepeated',
  /** Alerts published whose ledger mark failed after every retry. */
  alertMarkFailures: 'AlertMarkFailures',
  /** Events the trail's log files held that no live delivery had recorded: EventBridge missed them. */
  eventsRecoveredFromTrail: 'EventsRecoveredFromTrail',
  /** Per log file: seconds from its newest event to the moment ec2trail read it. */
  trailLagSeconds: 'TrailLagSeconds',
  trailFilesRead: 'TrailFilesRead',
  /** Log files that could not be read or whose events could not be stored: retried, then dead-lettered. */
  trailFileFailures: 'TrailFileFailures',
  /** Watched events whose log file held bytes that are not UTF-8 there: recorded with U+FFFD, warned. */
  invalidUtf8Events: 'InvalidUtf8Events',
  /** Log files on the trail-file queue that CloudTrail did not deliver lately: never read. */
  untrustedTrailObjects: 'UntrustedTrailObjects',
  /** Instances marked with ec2trail:violation (enforce mode). */
  instancesRemediationTagged: 'InstancesRemediationTagged',
  /** Stops scheduled for a violation's deadline (one per schedule). */
  stopsScheduled: 'StopsScheduled',
  /** Instances remediation stopped at their deadline. */
  instancesStopped: 'InstancesStopped',
  /** Remediation steps that failed (tag, schedule, describe, stop or row): alarmed. */
  remediationFailures: 'RemediationFailures',
  /** Events a backfill wrote that the table did not hold. */
  eventsBackfilled: 'EventsBackfilled',
} as const;

export const METRICS_NAMESPACE = 'ec2trail';
