/**
 * Large inputs are read as streams: event by event for `{"Records": [...]}` and arrays, line by
 * line for NDJSON. The expected events come from what the tests generate, or from reading the
 * same fixture whole.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type InputItem, parseInput, streamInput } from '../../cli/inputs';
import { entriesOf } from '../../lambda/domain';
import { FIXTURES } from '../helpers/fixtures';

/** The bytes handed over `size` at a time, as a slow pipe would. */
async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect(items: AsyncIterable<InputItem>): Promise<InputItem[]> {
  const out: InputItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The CloudTrail records the items hold, as the core would read them. */
function recordsOf(items: readonly InputItem[]): unknown[] {
  return items.flatMap((item) =>
    item.kind === 'json'
      ? [...entriesOf(item.value)].flatMap((e) => (e.kind === 'record' ? [e.record] : []))
      : [],
  );
}

/** Records whose strings hold everything that could fool a splitter. */
function tricky(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    eventVersion: '1.09',
    eventID: `event-${i}`,
    eventTime: '2026-03-02T10:00:00Z',
    eventSource: 'ec2.amazonaws.com',
    eventName: 'StopInstances',
    awsRegion: 'eu-west-1',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', userName: 'alice' },
    userAgent: `a "quoted" agent with ] and } and [ and { and \\ and \\"Records\\": [ ${'x'.repeat(i % 50)}`,
    requestParameters: { instancesSet: { items: [{ instanceId: `i-0${String(i).padStart(16, '0')}` }] } },
    responseElements: null,
  }));
}

describe('streamInput', () => {
  it.each([1, 7, 4096])(
    'splits a Records file handed over %i bytes at a time into its events',
    async (size) => {
      const events = tricky(120);
      const bytes = Buffer.from(JSON.stringify({ Records: events }, null, size === 7 ? 2 : 0));
      const items = await collect(streamInput('trail.json', chunks(bytes, size), 0));
      expect(items.filter((i) => i.kind === 'error')).toEqual([]);
      expect(recordsOf(items)).toEqual(events);
    },
  );

  it('reads gzip as it arrives, and a top-level array', async () => {
    const events = tricky(50);
    const bytes = gzipSync(Buffer.from(JSON.stringify(events)));
    expect(recordsOf(await collect(streamInput('a.json.gz', chunks(bytes, 13), 0)))).toEqual(events);
  });

  it('reads NDJSON line by line, naming the line of a bad one', async () => {
    const events = tricky(30);
    const lines = events.map((e) => JSON.stringify(e));
    lines.splice(10, 0, '{"broken": ');
    const items = await collect(streamInput('big.ndjson', chunks(Buffer.from(lines.join('\n')), 100), 0));
    expect(recordsOf(items)).toEqual(events);
    const errors = items.filter((i) => i.kind === 'error');
    expect(errors.map((e) => e.origin)).toEqual(['big.ndjson:11']);
  });

  it('keeps the events before a cut, and says the input was cut short', async () => {
    const events = tricky(20);
    const text = JSON.stringify({ Records: events });
    const cut = text.slice(0, text.indexOf('event-15'));
    const items = await collect(streamInput('cut.json', chunks(Buffer.from(cut), 64), 0));
    expect(recordsOf(items)).toEqual(events.slice(0, 15));
    expect(items.at(-1)).toMatchObject({ kind: 'error', message: expect.stringMatching(/cut short/) });
  });

  it('says what it expected of a large input that is not a list of events', async () => {
    const items = await collect(
      streamInput('one.json', chunks(Buffer.from(JSON.stringify({ a: { b: 1 } })), 5), 0),
    );
    expect(items).toEqual([
      {
        kind: 'error',
        origin: 'one.json',
        message: expect.stringMatching(/neither newline-delimited JSON nor a list of events/),
      },
    ]);
  });

  it('reports a gzip stream that breaks off as unreadable gzip', async () => {
    const bytes = gzipSync(Buffer.from(JSON.stringify({ Records: tricky(40) })));
    const items = await collect(
      streamInput('broken.json.gz', chunks(bytes.subarray(0, bytes.length / 2), 50), 0),
    );
    expect(items.at(-1)).toMatchObject({ kind: 'error', message: expect.stringMatching(/gzip|cut short/) });
  });

  // Every list-shaped fixture reads to the same records streamed as read whole.
  const lists = readdirSync(join(FIXTURES, 'events'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(FIXTURES, 'events', f));
  it.each(lists)('streams %s to the records parseInput reads', async (file) => {
    const bytes = readFileSync(file);
    const whole = recordsOf(parseInput(file, bytes));
    const value = JSON.parse(bytes.toString('utf8')) as unknown;
    const isList =
      Array.isArray(value) ||
      (typeof value === 'object' && value !== null && ('Records' in value || 'Events' in value));
    const streamed = await collect(
      streamInput(file, chunks(bytes, 97), isList ? 0 : Number.MAX_SAFE_INTEGER),
    );
    expect(recordsOf(streamed)).toEqual(whole);
  });
});

describe('bytes that are not UTF-8', () => {
  const launch = JSON.parse(readFileSync(join(FIXTURES, 'events', 'runinstances-iamuser-cli.json'), 'utf8'));
  const text = JSON.stringify({ Records: [launch] });
  // "alice" becomes "ali" + 0xFF + "e": 0xFF is never a UTF-8 byte (RFC 3629).
  const at = Buffer.from(text).indexOf('"userName":"alice"') + '"userName":"ali'.length;
  const damaged = Buffer.concat([
    Buffer.from(text).subarray(0, at),
    Buffer.from([0xff]),
    Buffer.from(text).subarray(at + 1),
  ]);

  it('flags a document read whole or streamed in any chunking, and never a good one', async () => {
    expect(parseInput('bad', damaged).map((i) => i.kind === 'json' && i.damaged)).toEqual([true]);
    expect(parseInput('good', Buffer.from(text)).map((i) => i.kind === 'json' && i.damaged === true)).toEqual(
      [false],
    );
    for (const size of [1, 2, 3, 7, 4096]) {
      const items = await collect(streamInput('bad', chunks(damaged, size)));
      expect(items.map((i) => i.kind === 'json' && i.damaged)).toEqual([true]);
      // A valid multi-byte character split across chunks is not damage: "é" is two bytes, "€" three.
      const accents = Buffer.from(text.replace('"alice"', '"alicé €"'));
      const good = await collect(streamInput('good', chunks(accents, size)));
      expect(good.map((i) => i.kind === 'json' && i.damaged === true)).toEqual([false]);
    }
  });

  it('records the event with a warning, and counts it in the summary, without failing the run', async () => {
    const { runInProcess } = await import('../helpers/cli');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'ec2trail-utf8-'));
    writeFileSync(join(dir, 'bad.json'), damaged);
    const result = await runInProcess(['inspect', '--json', join(dir, 'bad.json')]);
    expect(result.status).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { warnings: string[]; actor: { name: string } });
    expect(lines).toHaveLength(2);
    for (const record of lines) {
      expect(record.actor.name).toBe('ali\uFFFDe');
      expect(record.warnings).toContain(
        'the input held bytes that are not UTF-8 in this event: they were replaced with U+FFFD, so a name or value may be damaged',
      );
    }
    expect(result.stderr).toContain(
      '1 event with invalid UTF-8 (kept, the bad bytes shown as U+FFFD, each warned)',
    );
  });
});
