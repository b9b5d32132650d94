/** Counts as the CLI prints them, in summaries and progress lines alike: "1 error", "12,000 events". */

const FORMAT = new Intl.NumberFormat('en-US');

export function number(n: number): string {
  return FORMAT.format(n);
}

/** "1 file", "2 files"; `plural` for words that do not take an s. */
export function count(n: number, word: string, plural = `${word}s`): string {
  return `${number(n)} ${n === 1 ? word : plural}`;
}
