/** The replay's progress line: files done of the total when it is known, rate, and time left. */

import { count, number } from '../counts';
import type { ReplayTally } from './replayer';

/** "45 s", "12 min", "2 h 05 min": rounded up, since a promise of less is the one people resent. */
export function duration(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/**
 * `totalFiles` is null while unknown (stdin, S3, a walk still counting). Time left assumes the
 * files still to read are, on average, like the ones read so far.
 */
export function progressText(t: Readonly<ReplayTally>, totalFiles: number | null, elapsedMs: number): string {
  const rate = Math.round(t.events / Math.max(elapsedMs / 1000, 0.001));
  const files =
    totalFiles === null ? count(t.files, 'file') : `${number(t.files)} of ${count(totalFiles, 'file')}`;
  const left =
    totalFiles !== null && t.files > 0 && t.files < totalFiles
      ? `, about ${duration((elapsedMs * (totalFiles - t.files)) / t.files)} left`
      : '';
  return `replaying: ${files}, ${count(t.events, 'event')} (${number(rate)}/s), ${number(t.written)} written, ${count(t.duplicates, 'duplicate')}${left}`;
}
