/** A logger and metrics that drop everything: the bench measures the work, not the output. */
export const SILENT_LOG = { debug() {}, info() {}, warn() {}, error() {}, appendKeys() {}, resetKeys() {} };
export const SILENT_METRICS = { addMetric() {}, publishStoredMetrics() {} };
