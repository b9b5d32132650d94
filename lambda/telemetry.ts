/** The slices of Powertools Logger and Metrics the handler uses, so tests can pass fakes. */

import type { Logger } from '@aws-lambda-powertools/logger';

export type Log = Pick<Logger, 'debug' | 'info' | 'warn' | 'error' | 'appendKeys' | 'resetKeys'>;

/** What the handler needs of Powertools Metrics: counters, flushed once per invocation. */
export interface MetricSink {
  addMetric(name: string, unit: 'Count', value: number): unknown;
  publishStoredMetrics(): unknown;
}

/** Metric names, in one place for the handler, the dashboard and the alarms. */
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
} as const;

export const METRICS_NAMESPACE = 'ec2trail';
