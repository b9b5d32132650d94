/** Turns input files into attribution records through the core, counting what it saw. */

import { type AttributionRecord, attribute, entriesOf, type RecordContext } from '../lambda/domain';
import type { JsonObject } from '../lambda/domain/json';
import { count, number } from './counts';
import type { InputFile } from './inputs';

export interface Tally {
  files: number;
  events: number;
  lifecycleEvents: number;
  records: number;
  skipped: number;
  unrecognized: number;
  errors: number;
  /** Attributed events holding bytes that were not UTF-8, kept with U+FFFD in their place and a warning. */
  invalidUtf8: number;
}

/** The warning on a record whose event held bytes that were not UTF-8. */
export const INVALID_UTF8_WARNING =
  'the input held bytes that are not UTF-8 in this event: they were replaced with U+FFFD, so a name or value may be damaged';

export function emptyTally(): Tally {
  return {
    files: 0,
    events: 0,
    lifecycleEvents: 0,
    records: 0,
    skipped: 0,
    unrecognized: 0,
    errors: 0,
    invalidUtf8: 0,
  };
}

export type StreamItem =
  | {
      readonly kind: 'event';
      readonly origin: string;
      readonly records: readonly AttributionRecord[];
      /** The CloudTrail record itself and its envelope's account and region, for whoever processes it further. */
      readonly event: JsonObject;
      readonly context: RecordContext;
    }
  | { readonly kind: 'error'; readonly origin: string; readonly message: string };

/**
 * Yields the records of each lifecycle event and each unreadable input, updating `tally`.
 * Non-lifecycle events and unrecognized documents are counted, not reported.
 */
export async function* attributeInputs(
  files: AsyncIterable<InputFile>,
  tally: Tally,
): AsyncGenerator<StreamItem> {
  for await (const file of files) {
    tally.files++;
    for await (const item of file.items) {
      if (item.kind === 'error') {
        tally.errors++;
        yield item;
        continue;
      }
      for (const entry of entriesOf(item.value)) {
        if (entry.kind === 'unrecognized') {
          tally.unrecognized++;
          continue;
        }
        tally.events++;
        const result = attribute(entry.record, entry.context);
        if (result.kind === 'skipped') {
          if (result.reason === 'not-cloudtrail') tally.unrecognized++;
          else tally.skipped++;
          continue;
        }
        tally.lifecycleEvents++;
        tally.records += result.records.length;
        // Recorded, never silently: the damaged event says so, and the summary counts it.
        const damaged = item.damaged === true && JSON.stringify(entry.record).includes('\uFFFD');
        if (damaged) tally.invalidUtf8++;
        yield {
          kind: 'event',
          origin: item.origin,
          records: damaged
            ? result.records.map((r) => ({ ...r, warnings: [...r.warnings, INVALID_UTF8_WARNING] }))
            : result.records,
          event: entry.record,
          context: entry.context,
        };
      }
    }
  }
}

export function describeTally(tally: Tally): string {
  return [
    count(tally.files, 'file'),
    count(tally.events, 'event'),
    `${number(tally.lifecycleEvents)} attributed`,
    count(tally.records, 'record'),
    `${number(tally.skipped)} skipped (not watched)`,
    `${number(tally.unrecognized)} unrecognized`,
    count(tally.errors, 'error'),
    ...(tally.invalidUtf8 > 0
      ? [
          `${count(tally.invalidUtf8, 'event')} with invalid UTF-8 (kept, the bad bytes shown as U+FFFD, each warned)`,
        ]
      : []),
  ].join(', ');
}
