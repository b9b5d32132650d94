/** Logger and metrics for running the Lambda's handler inside the CLI: the CLI reports on its own. */

import type { Log, MetricSink } from '../lambda/telemetry';

export class SilentLog implements Log {
  debug(): void {}
  info(): void {}
  warn(): void {}
  error(): void {}
  appendKeys(): void {}
  resetKeys(): void {}
}

export class SilentMetrics implements MetricSink {
  addMetric(): void {}
  publishStoredMetrics(): void {}
}
