/** How late an event's alert says it is. */

import { type AttributionRecord, LATE_AFTER_SECONDS, type LateArrival } from '../domain';
import type { RunMode } from './run-mode';

/**
 * Every event from the trail's log files is late (and says whether the live path had recorded
 * it); a live one is late when delivered more than `lateAfterSeconds` after the call.
 */
export function lateness(
  records: readonly AttributionRecord[],
  write: Promise<{ readonly written: number }>,
  options: {
    readonly mode: RunMode;
    readonly clock: () => Date;
    readonly lateAfterSeconds?: number | undefined;
  },
): Promise<LateArrival | null> {
  const eventTime = Date.parse(records[0]?.eventTime ?? '');
  if (Number.isNaN(eventTime)) return Promise.resolve(null);
  const lagSeconds = () => (options.clock().getTime() - eventTime) / 1000;
  switch (options.mode.lateness) {
    case 'live':
      return Promise.resolve(
        lagSeconds() > (options.lateAfterSeconds ?? LATE_AFTER_SECONDS)
          ? { lagSeconds: lagSeconds(), source: 'live', undelivered: false }
          : null,
      );
    case 'trail':
      return write.then(
        ({ written }) => ({ lagSeconds: lagSeconds(), source: 'trail' as const, undelivered: written > 0 }),
        () => null,
      );
    case 'none':
      return Promise.resolve(null);
  }
}
