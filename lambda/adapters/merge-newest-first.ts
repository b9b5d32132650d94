/**
 * Merges streams that are each sorted newest first into one stream sorted newest first: how the
 * shards of one index key (see schema/index-shards.ts) read as one. Each stream is pulled only
 * when its head has been taken, so a reader that stops early fetches no more pages than it needs.
 */
export async function* mergeNewestFirst<T>(
  streams: readonly AsyncIterator<T>[],
  sortKey: (item: T) => string,
): AsyncGenerator<T> {
  const heads = await Promise.all(streams.map((stream) => stream.next()));
  try {
    for (;;) {
      let newest = -1;
      let newestKey = '';
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i];
        if (head === undefined || head.done) continue;
        const key = sortKey(head.value);
        if (newest === -1 || key > newestKey) {
          newest = i;
          newestKey = key;
        }
      }
      const stream = streams[newest];
      const head = heads[newest];
      if (stream === undefined || head === undefined || head.done) return;
      yield head.value;
      heads[newest] = await stream.next();
    }
  } finally {
    // A reader that stopped early: close the streams still open, so their queries stop.
    await Promise.all(streams.map((stream, i) => (heads[i]?.done ? undefined : stream.return?.(undefined))));
  }
}
