/**
 * Generates trail log folders from the test fixtures: every identity type and action, failed
 * calls included, with fresh event ids, times and instance ids, seeded so runs repeat.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The event fixtures the synthetic events are made from. */
const FIXTURES = join(__dirname, '..', 'test', 'fixtures');

export interface SyntheticOptions {
  readonly files: number;
  readonly eventsPerFile: number;
  readonly seed?: number;
  /** Share of events that repeat an earlier one (as overlapping trails do). @default 0 */
  readonly duplicateRate?: number;
}

export interface SyntheticTrail {
  /** Events written, duplicates included. */
  readonly events: number;
  /** Attribution records in all events, duplicates included. */
  readonly records: number;
  /** Distinct attribution records: the rows a table must end up with. */
  readonly distinct: number;
  readonly duplicates: number;
}

/** A small, fast, seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Records each template yields, counted by hand from the files and the README's rules (a launch:
 * one per instance in its response; other calls: one per instance named; a failed launch, a dry
 * run or a trail call: one; a call that is not watched: none). An oracle independent of the core.
 */
export const RECORDS_PER_TEMPLATE: Readonly<Record<string, number>> = {
  'createtags-not-lifecycle.json': 0,
  'deletetrail-denied.json': 1,
  'rebootinstances-awsaccount.json': 1,
  'runinstances-autoscaling-spot.json': 1,
  'runinstances-cloudformation.json': 1,
  'runinstances-dryrun.json': 1,
  'runinstances-ec2fleet.json': 1,
  'runinstances-iamuser-cli.json': 2,
  'runinstances-root-console.json': 3,
  'runinstances-sso-terraform.json': 1,
  'runinstances-unauthorized-federated.json': 1,
  'sendsshpublickey-sso.json': 1,
  'startinstances-samluser.json': 1,
  'startinstances-unknown-identity.json': 1,
  'stopinstances-assumedrole-sourceidentity.json': 1,
  'stopinstances-awsservice.json': 1,
  'stopinstances-dryrun-failed.json': 2,
  'stopinstances-missing-identity.json': 1,
  'stoplogging-sso.json': 1,
  'terminateinstances-identitycenteruser.json': 1,
  'terminateinstances-response-omitted.json': 2,
  'terminateinstances-webidentityuser.json': 1,
};

/** The template files, in a stable order. */
export function templateNames(): string[] {
  return readdirSync(join(FIXTURES, 'events'))
    .filter((name) => name.endsWith('.json'))
    .sort();
}

function templates(): { text: string; records: number }[] {
  return templateNames().map((name) => {
    const records = RECORDS_PER_TEMPLATE[name];
    if (records === undefined) throw new Error(`${name} has no hand count in RECORDS_PER_TEMPLATE`);
    const text = JSON.stringify(JSON.parse(readFileSync(join(FIXTURES, 'events', name), 'utf8')));
    return { text, records };
  });
}

const INSTANCE = /i-0[0-9a-f]{16}/g;
const EVENT_ID = /"eventID":"[^"]*"/;
const EVENT_TIME = /"eventTime":"[^"]*"/;

/** Event texts, one by one; `records` counts the records each yields. */
export function* syntheticEvents(
  count: number,
  seed = 1,
  duplicateRate = 0,
): Generator<{ text: string; records: number; duplicate: boolean }> {
  const random = prng(seed);
  const sources = templates();
  const recent: { text: string; records: number }[] = [];
  const start = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < count; i++) {
    const previous = recent[Math.floor(random() * recent.length)];
    if (previous && random() < duplicateRate) {
      yield { ...previous, duplicate: true };
      continue;
    }
    const template = sources[Math.floor(random() * sources.length)];
    if (!template) throw new Error('no templates');
    const ids = new Map<string, string>();
    const text = template.text
      .replace(EVENT_ID, `"eventID":"synthetic-${seed}-${i}"`)
      .replace(EVENT_TIME, `"eventTime":"${new Date(start + i * 1000).toISOString().replace('.000Z', 'Z')}"`)
      .replace(INSTANCE, (id) => {
        const known = ids.get(id);
        if (known) return known;
        const fresh = `i-0${(seed * 1_000_003 + i * 7 + ids.size).toString(16).padStart(16, '0').slice(-16)}`;
        ids.set(id, fresh);
        return fresh;
      });
    const event = { text, records: template.records };
    recent.push(event);
    if (recent.length > 1000) recent.shift();
    yield { ...event, duplicate: false };
  }
}

/** Writes gzipped `{"Records":[...]}` files under AWSLogs/<account>/CloudTrail/<region>/, as trails do. */
export function writeSyntheticTrail(root: string, options: SyntheticOptions): SyntheticTrail {
  const dir = join(root, 'AWSLogs', '111122223333', 'CloudTrail', 'eu-west-1', '2026', '01', '01');
  mkdirSync(dir, { recursive: true });
  const events = syntheticEvents(
    options.files * options.eventsPerFile,
    options.seed ?? 1,
    options.duplicateRate ?? 0,
  );
  let total = 0;
  let records = 0;
  let distinct = 0;
  let duplicates = 0;
  for (let f = 0; f < options.files; f++) {
    const texts: string[] = [];
    for (let e = 0; e < options.eventsPerFile; e++) {
      const next = events.next();
      if (next.done) break;
      texts.push(next.value.text);
      total++;
      records += next.value.records;
      if (next.value.duplicate) duplicates++;
      else distinct += next.value.records;
    }
    const name = `111122223333_CloudTrail_eu-west-1_20260101T${String(f).padStart(4, '0')}Z_synthetic${f}.json.gz`;
    writeFileSync(join(dir, name), gzipSync(`{"Records":[${texts.join(',')}]}`));
  }
  return { events: total, records, distinct, duplicates };
}
