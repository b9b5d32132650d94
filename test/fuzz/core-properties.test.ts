/**
 * Property-based tests: the core, the policy and the alert renderer never throw, whatever
 * the input, and what they return keeps its shape. At least 10,000 runs each.
 */
import fc from 'fast-check';
import { attribute, compilePolicy, entriesOf, evaluate, renderAlert, SMS_MAX } from '../../lambda/domain';
import { createHandler } from '../../lambda/handler';
import { DEFAULT_POLICY_FILE, readPolicyFile } from '../../lib/policy-file';
import { FakeLog, FakeMetrics, FakePublisher, InMemoryLedger, InMemoryStore } from '../helpers/fakes';
import { loadJson } from '../helpers/fixtures';

const RUNS = Number(process.env.EC2TRAIL_FUZZ_RUNS ?? 10_000);
const POLICY = compilePolicy(readPolicyFile(DEFAULT_POLICY_FILE));
const TEMPLATES = [
  'events/runinstances-root-console.json',
  'events/runinstances-iamuser-cli.json',
  'events/runinstances-autoscaling-spot.json',
  'events/stopinstances-assumedrole-sourceidentity.json',
  'events/terminateinstances-response-omitted.json',
  'events/sendsshpublickey-sso.json',
  'events/runinstances-unauthorized-federated.json',
  'events/stoplogging-sso.json',
  // Service changes and service launches: tags lists and maps, EC2's query-API nesting, instant fleets.
  'services/eks/b-group.json',
  'services/eks/a-nodegroup.json',
  'services/fleet/b-requests.json',
  'services/karpenter/a-fleet.json',
  'services/cloudformation/b-stacks.json',
].map((f) => loadJson(f) as Record<string, unknown>);

/** Runs everything an event goes through, and checks the invariants of what comes out. */
function throughCore(value: unknown): void {
  for (const entry of entriesOf(value)) {
    if (entry.kind !== 'record') {
      expect(typeof entry.reason).toBe('string');
      continue;
    }
    const result = attribute(entry.record, entry.context);
    if (result.kind === 'skipped') continue;
    expect(result.records.length).toBeGreaterThan(0);
    // Meaning, not only shape: one key per event, stable across readings; no instance invented
    // or counted twice (every id is in the event's own text).
    const again = attribute(structuredClone(entry.record), entry.context);
    expect(again.kind === 'records' ? again.records.map((r) => r.eventKey) : []).toEqual(
      result.records.map((r) => r.eventKey),
    );
    expect(new Set(result.records.map((r) => r.eventKey)).size).toBe(1);
    const ids = result.records.flatMap((r) => (r.instanceId === null ? [] : [r.instanceId]));
    expect(new Set(ids).size).toBe(ids.length);
    const text = JSON.stringify(entry.record);
    for (const id of ids) expect(text).toContain(JSON.stringify(id).slice(1, -1));
    for (const record of result.records) {
      expect(record.eventName).toBe(record.eventName.trim());
      expect(['success', 'failed']).toContain(record.outcome);
      expect(record.instanceId === null || typeof record.instanceId === 'string').toBe(true);
      expect(typeof record.eventKey).toBe('string');
      expect(record.warnings.every((w) => typeof w === 'string')).toBe(true);
    }
    const violations = evaluate(result.records, POLICY, {
      launchQuota: { launches: 1_000, fromMs: 0, toMs: 0 },
      history: new Map(),
    });
    if (violations.length > 0) {
      const alert = renderAlert(result.records, violations);
      expect(alert.subject.length).toBeLessThan(100);
      expect(alert.sms.length).toBeLessThanOrEqual(SMS_MAX);
      expect(() => JSON.parse(alert.json)).not.toThrow();
    }
  }
}

/** Paths to every value inside a JSON value. */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const children = Object.entries(value).flatMap(([key, child]) => paths(child, [...prefix, key]));
  return [prefix, ...children];
}

function mutate(
  root: unknown,
  path: readonly string[],
  change: { kind: 'delete' } | { kind: 'set'; value: unknown },
): unknown {
  if (path.length === 0) return change.kind === 'set' ? change.value : undefined;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(root)
    ? [...root]
    : { ...(root as Record<string, unknown>) };
  const [head, ...rest] = path;
  if (head === undefined) return copy;
  const target = copy as Record<string, unknown>;
  if (rest.length === 0) {
    if (change.kind === 'delete') delete target[head];
    else target[head] = change.value;
  } else {
    target[head] = mutate(target[head], rest, change);
  }
  return copy;
}

const mutation = fc.oneof(
  fc.constant({ kind: 'delete' as const }),
  fc.record({ kind: fc.constant('set' as const), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({
    kind: fc.constant('set' as const),
    value: fc.constantFrom(null, '', ' ', 0, -1, true, [], {}, 'i-0abc', '  RunInstances ', {
      omitted: true,
    }),
  }),
);

describe('the core under arbitrary input', () => {
  it('never throws on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => throughCore(value)),
      { numRuns: RUNS },
    );
  });

  it('never throws on CloudTrail-shaped events with fields removed, replaced or retyped', () => {
    const event = fc
      .tuple(
        fc.constantFrom(...TEMPLATES),
        fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 6 }),
      )
      .map(([template, changes]) => {
        let current: unknown = template;
        for (const [index, change] of changes) {
          const all = paths(current);
          const path = all[index % all.length] ?? [];
          current = mutate(current, path, change);
        }
        return current;
      });
    fc.assert(
      fc.property(event, (value) => throughCore(value)),
      { numRuns: RUNS },
    );
  });

  it('handles huge fields: 256 KB events and omitted responses', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TEMPLATES),
        fc.constantFrom('userAgent', 'errorMessage', 'eventName', 'sourceIPAddress'),
        fc.nat(262_144),
        (template, field, size) => {
          const huge = { ...template, [field]: 'x'.repeat(size), responseElements: { omitted: true } };
          throughCore(huge);
          throughCore({ Records: [huge, huge] });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('handling the same event twice leaves the same rows and at most one alert', async () => {
    const event = fc
      .tuple(fc.constantFrom(...TEMPLATES), fc.array(fc.tuple(fc.nat(), mutation), { maxLength: 3 }))
      .map(([template, changes]) => {
        let current: unknown = template;
        for (const [index, change] of changes) {
          const all = paths(current);
          current = mutate(current, all[index % all.length] ?? [], change);
        }
        return { 'detail-type': 'AWS API Call via CloudTrail', detail: current };
      });
    await fc.assert(
      fc.asyncProperty(event, async (value) => {
        const store = new InMemoryStore();
        const publisher = new FakePublisher();
        const handle = createHandler({
          store,
          ledger: new InMemoryLedger(),
          publisher,
          policy: POLICY,
          logger: new FakeLog(),
          metrics: new FakeMetrics(),
          clock: () => new Date('2026-03-15T00:00:00Z'),
        });
        const first = await handle(structuredClone(value));
        const rows = JSON.stringify([...store.rows.entries()]);
        const second = await handle(structuredClone(value));
        expect(second.status).toBe(first.status);
        expect(second.written).toBe(0);
        expect(JSON.stringify([...store.rows.entries()])).toBe(rows);
        // A fresh store holds no launch to protect: the event's own alert, once, is all there can be.
        expect(publisher.sent).toHaveLength(first.violations.length > 0 ? 1 : 0);
      }),
      { numRuns: Math.min(RUNS, 1_000) },
    );
  });

  it('the handler always answers: recorded, skipped or malformed, never a crash', async () => {
    const store = new InMemoryStore();
    const handle = createHandler({
      store,
      ledger: new InMemoryLedger(),
      publisher: new FakePublisher(),
      policy: POLICY,
      logger: new FakeLog(),
      metrics: new FakeMetrics(),
      clock: () => new Date('2026-03-15T00:00:00Z'),
    });
    const anything = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc
        .constantFrom(...TEMPLATES)
        .map((detail) => ({ 'detail-type': 'AWS API Call via CloudTrail', detail })),
    );
    await fc.assert(
      fc.asyncProperty(anything, async (event) => {
        const result = await handle(event);
        expect(['recorded', 'skipped', 'malformed']).toContain(result.status);
      }),
      { numRuns: Math.min(RUNS, 2_000) },
    );
  });
});
