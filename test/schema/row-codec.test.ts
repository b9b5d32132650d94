/**
 * The compact row: every record of the fixtures, the examples, the service trails and (when it
 * is beside the project) the shared corpus restores to its whole row exactly, reads back as the
 * same record and the same CLI row as the whole row does, and is billed at fewer bytes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attributeInputs, emptyTally } from '../../cli/attribution-stream';
import { readInputs } from '../../cli/inputs';
import type { AttributionRecord } from '../../lambda/domain';
import { fullItem, toItem } from '../../lambda/schema/attribution-table';
import { recordOfRow } from '../../lambda/schema/record-row';
import { compactRow, restoreRow, sameValue } from '../../lambda/schema/row-codec';
import { parseStoredRow } from '../../lambda/schema/stored-row';
import { itemSize } from '../../support/dynamodb-item-size';
import { ROOT } from '../helpers/cli';
import { CORPUS } from '../helpers/corpus';
import { FIXTURES, recordsOf } from '../helpers/fixtures';

const META = { ingestedBy: 'live' as const, now: new Date('2026-03-02T10:00:00Z') };

async function recordsIn(paths: readonly string[]): Promise<AttributionRecord[]> {
  const records: AttributionRecord[] = [];
  for await (const item of attributeInputs(readInputs(paths), emptyTally()))
    if (item.kind === 'event') records.push(...item.records);
  return records;
}

const sources = [
  join(FIXTURES, 'events'),
  join(FIXTURES, 'services'),
  join(ROOT, 'examples'),
  ...(existsSync(CORPUS) ? [CORPUS] : []),
];

describe('the compact row', () => {
  let records: AttributionRecord[];
  beforeAll(async () => {
    records = await recordsIn(sources.filter((path) => existsSync(path)));
  });

  it('reads back every record exactly, for the function and for the CLI', () => {
    expect(records.length).toBeGreaterThan(40);
    for (const record of records) {
      const whole = fullItem(record, META);
      const stored = toItem(record, META);
      expect(restoreRow(stored)).toEqual(JSON.parse(JSON.stringify(whole)));
      expect(recordOfRow(stored)).toEqual(recordOfRow(whole));
      expect(parseStoredRow(stored)).toEqual(parseStoredRow(whole));
    }
  });

  it('writes every record compact: none falls back to its whole row', () => {
    // The codec writes a row whole when its compact form would not restore: on real records it
    // never has to, so a rule that stopped restoring exactly would show here.
    const whole = records.filter((record) => toItem(record, META).compact !== true);
    expect(whole.map((r) => r.eventKey)).toEqual([]);
  });

  it('is smaller than the whole row for every record', () => {
    let saved = 0;
    for (const record of records) {
      const whole = itemSize(fullItem(record, META) as unknown as Record<string, unknown>);
      const compact = itemSize(toItem(record, META));
      expect(compact).toBeLessThan(whole);
      saved += whole - compact;
    }
    expect(saved / records.length).toBeGreaterThan(400);
  });

  it("keeps a direct call's initiator as the caller's own facts only", () => {
    const [record] = recordsOf('events/stopinstances-assumedrole-sourceidentity.json');
    const stored = toItem(record!, META);
    // The fixture's caller: maria.garcia, through a source identity, without MFA.
    expect(stored.initiator).toEqual({
      fromCaller: true,
      quotaSubject: 'source:maria.garcia',
      mfaKnown: false,
      verified: false,
    });
    expect(stored).not.toHaveProperty('eventId');
    expect(stored).not.toHaveProperty('launch');
    expect(stored).not.toHaveProperty('errorCode');
    expect(restoreRow(stored).initiator).toMatchObject({
      arn: 'arn:aws:sts::111122223333:assumed-role/Developer/build-bot',
      name: 'maria.garcia',
      eventName: 'StopInstances',
      eventTime: '2026-03-06T18:00:00Z',
    });
  });

  it('keeps exactly the fields that are not at their default', () => {
    // Counted by hand from the fixture: alice's launch of two instances with the AWS CLI.
    const [record] = recordsOf('events/runinstances-iamuser-cli.json');
    const stored = toItem(record!, META);
    expect(Object.keys(stored).sort()).toEqual(
      [
        'compact',
        'eventKey',
        'eventTime',
        'eventName',
        'action',
        'account',
        'region',
        'instanceId',
        'outcome',
        'requestId',
        'actor',
        'source',
        'launch',
        'instanceState',
        'initiator',
        'eventTimeId',
        'person',
        'date',
        'accountRegionTime',
        'ingestedBy',
        'recordedAt',
      ].sort(),
    );
    // Inside: no null, no empty list, no false default (`fleet`, `instanceIdsUnknown`).
    expect(Object.keys(stored.launch as object)).not.toEqual(
      expect.arrayContaining(['fleet', 'instanceIdsUnknown', 'unencryptedVolumes', 'spotOptions']),
    );
    expect(stored.launch).not.toHaveProperty('fleet');
    expect(stored.launch).not.toHaveProperty('unencryptedVolumes');
    expect(stored.launch).toHaveProperty('tagKeysAtLaunch', { volume: ['VolumeOnly'], networkInterface: [] });
    expect(stored.instanceState).toEqual({ current: 'pending' });
    expect(stored.source).not.toHaveProperty('sdkLanguage');
  });

  it('restores the event id from the event key, and none for a derived key', () => {
    const [record] = recordsOf('events/stopinstances-assumedrole-sourceidentity.json');
    const derived = { ...fullItem(record!, META), eventId: null, eventKey: 'derived-0123abcd' };
    const compact = compactRow(derived);
    expect(compact).toMatchObject({ compact: true, eventKey: 'derived-0123abcd' });
    expect(compact).not.toHaveProperty('eventId');
    expect(restoreRow(compact).eventId).toBeNull();
    expect(restoreRow(compactRow(fullItem(record!, META))).eventId).toBe(record!.eventId);
  });

  it('writes a row whole when its compact form would not restore to it', () => {
    const [record] = recordsOf('events/stopinstances-assumedrole-sourceidentity.json');
    // An event id that is not the event key cannot be left out; nor can a field the codec does not know.
    const odd = { ...fullItem(record!, META), eventId: 'other-id', extra: { kept: null } };
    const compact = compactRow(odd);
    expect(compact.eventId).toBe('other-id');
    expect(sameValue(restoreRow(compact), odd)).toBe(true);
    // Still compact: only what cannot be restored is kept.
    expect(compact.compact).toBe(true);
    expect(compact).not.toHaveProperty('errorCode');
  });

  it('passes rows written whole by earlier versions through unchanged', () => {
    const legacy = join(FIXTURES, 'legacy-table');
    expect(readdirSync(legacy)).toContain('rows.json');
    const items = JSON.parse(readFileSync(join(legacy, 'rows.json'), 'utf8')) as unknown[];
    expect(items.length).toBeGreaterThan(0);
    for (const item of items as Record<string, unknown>[]) {
      const restored = restoreRow(item);
      for (const [name, value] of Object.entries(item)) expect(restored[name]).toEqual(value);
    }
  });
});

describe('sameValue', () => {
  it.each([
    [{ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 }, true],
    [{ a: 1 }, { a: 1, b: undefined }, true],
    [{ a: 1 }, { a: 1, b: null }, false],
    [[1, 2], [2, 1], false],
    [[], {}, false],
    [null, {}, false],
    ['1', 1, false],
    ['ab', { 0: 'a', 1: 'b' }, false],
    [[1], [1, 2], false],
    [{ a: [1] }, { a: [1, 2] }, false],
  ])('%j and %j: %s', (a, b, same) => {
    expect(sameValue(a, b)).toBe(same);
    expect(sameValue(b, a)).toBe(same);
  });
});
