/** The replay's progress line and the file count it is measured against. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countInputFiles } from '../../cli/inputs';
import { duration, progressText } from '../../cli/replay/progress';
import { emptyReplayTally } from '../../cli/replay/replayer';

describe('replay progress', () => {
  const tally = { ...emptyReplayTally(), files: 25, events: 12_000, written: 11_500, duplicates: 500 };

  it('shows files done of the total, the rate and the time left', () => {
    // 25 of 100 files in 30 s: 75 more at the same pace take 90 s, shown as 2 min; 400 events/s.
    expect(progressText(tally, 100, 30_000)).toBe(
      'replaying: 25 of 100 files, 12,000 events (400/s), 11,500 written, 500 duplicates, about 2 min left',
    );
  });

  it('promises no time once the last file is being read', () => {
    expect(progressText({ ...tally, files: 100 }, 100, 30_000)).toBe(
      'replaying: 100 of 100 files, 12,000 events (400/s), 11,500 written, 500 duplicates',
    );
  });

  it('shows the rate alone while the total is unknown (stdin, S3)', () => {
    expect(progressText(tally, null, 30_000)).toBe(
      'replaying: 25 files, 12,000 events (400/s), 11,500 written, 500 duplicates',
    );
  });

  it.each([
    [999, '1 s'],
    [59_000, '59 s'],
    [61_000, '2 min'],
    [3_600_000, '1 h 00 min'],
    [7_500_000, '2 h 05 min'],
  ])('rounds %i ms up to %s', (ms, text) => {
    expect(duration(ms)).toBe(text);
  });

  it('counts the files a replay will read, as it walks them, and knows nothing of stdin', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ec2trail-count-'));
    mkdirSync(join(root, 'a', 'CloudTrail-Digest'), { recursive: true });
    writeFileSync(join(root, 'a', 'one.json.gz'), '');
    writeFileSync(join(root, 'a', 'two.json'), '');
    writeFileSync(join(root, 'a', 'README.md'), ''); // a document, not an input
    writeFileSync(join(root, 'a', '.hidden.json'), ''); // hidden: skipped
    writeFileSync(join(root, 'a', 'CloudTrail-Digest', 'digest.json.gz'), ''); // digests: skipped
    writeFileSync(join(root, 'single.ndjson'), '');
    expect(await countInputFiles([join(root, 'a'), join(root, 'single.ndjson'), join(root, 'missing')])).toBe(
      4,
    );
    expect(await countInputFiles([root, '-'])).toBeNull();
    expect(await countInputFiles(['s3://bucket/prefix'])).toBeNull();
  });
});
