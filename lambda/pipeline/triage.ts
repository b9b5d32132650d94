/**
 * From what Lambda hands over to the records of one watched call, or the reason there are none:
 * a malformed event is logged (its outline only: it may carry anything, secrets included) and
 * counted, since retrying cannot fix it; a call ec2trail does not watch is skipped.
 */

import { type AttributionRecord, attribute, entriesOf } from '../domain';
import { type Log, METRIC, type MetricSink } from '../telemetry';

export type Triage =
  | { readonly kind: 'records'; readonly records: readonly AttributionRecord[] }
  | { readonly kind: 'malformed' | 'skipped' };

function outline(event: unknown): Record<string, unknown> {
  if (Array.isArray(event)) return { type: 'array', length: event.length };
  if (typeof event !== 'object' || event === null) return { type: event === null ? 'null' : typeof event };
  return { type: 'object', keys: Object.keys(event).slice(0, 20) };
}

export function triage(event: unknown, logger: Log, metrics: MetricSink): Triage {
  const malformed = (reason: string, of: unknown): Triage => {
    logger.error('Malformed event acknowledged without processing', { reason, outline: outline(of) });
    metrics.addMetric(METRIC.malformedEvents, 'Count', 1);
    return { kind: 'malformed' };
  };
  const entries = [...entriesOf(event)];
  const entry = entries[0];
  if (entries.length !== 1 || entry === undefined || entry.kind !== 'record')
    return malformed(
      entry?.kind === 'unrecognized'
        ? entry.reason
        : `expected one CloudTrail event, found ${entries.length}`,
      event,
    );
  const result = attribute(entry.record, entry.context);
  if (result.kind === 'records') return { kind: 'records', records: result.records };
  if (result.reason !== 'not-lifecycle') return malformed(result.detail, entry.record);
  logger.info('Event skipped: not a watched call', { detail: result.detail });
  metrics.addMetric(METRIC.eventsSkipped, 'Count', 1);
  return { kind: 'skipped' };
}
