import { toItem } from '../../lambda/schema/attribution-table';
import { recordOfRow } from '../../lambda/schema/record-row';
import { recordsOf } from '../helpers/fixtures';

const META = { ingestedBy: 'live' as const, now: new Date('2026-03-15T00:00:00Z') };

describe('a stored row read back as its record', () => {
  it('gives back the stop record that was written', () => {
    const [stop] = recordsOf('events/stopinstances-assumedrole-sourceidentity.json');
    if (!stop) throw new Error('fixture without records');
    expect(recordOfRow(JSON.parse(JSON.stringify(toItem(stop, META))))).toEqual(stop);
  });

  it('reads a failed launch row with no instance as null: launch rows are not read back', () => {
    const [launch] = recordsOf('events/runinstances-unauthorized-federated.json');
    if (!launch) throw new Error('fixture without records');
    expect(recordOfRow(toItem(launch, META))).toBeNull();
  });

  it.each([
    ['not an object', 'row'],
    ['an alert marker', { instanceId: 'alert#e-1', eventTimeId: 'alert', status: 'sent' }],
    [
      'an unknown action',
      { instanceId: 'i-1', eventKey: 'e', eventName: 'X', action: 'explode', outcome: 'success' },
    ],
  ])('is null for %s', (_name, row) => {
    expect(recordOfRow(row)).toBeNull();
  });

  it('turns mistyped or missing fields of a row into nulls and defaults, never an error', () => {
    const record = recordOfRow({
      instanceId: 'i-0a1b2c3d4e5f60001',
      eventKey: 'e-1',
      eventName: 'StopInstances',
      action: 'stop',
      outcome: 'success',
      actor: { type: 'Martian', name: 42 },
      warnings: ['kept', 7],
    });
    expect(record?.actor).toMatchObject({ type: 'Unknown', kind: 'unknown', name: null, arn: null });
    expect(record?.source.tool).toBe('unknown');
    expect(record?.warnings).toEqual(['kept']);
  });
});
