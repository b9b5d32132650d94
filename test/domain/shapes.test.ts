import { type Entry, entriesOf } from '../../lambda/domain';
import { loadJson } from '../helpers/fixtures';

const names = (entries: Iterable<Entry>) =>
  [...entries].map((e) => (e.kind === 'record' ? String(e.record.eventName) : `? ${e.reason}`));

describe('entriesOf', () => {
  it.each([
    ['shapes/single-record.json', ['RunInstances']],
    ['shapes/log-file.json', ['RunInstances', 'CreateTags', 'StopInstances']],
    ['shapes/eventbridge-envelope.json', ['StopInstances']],
    ['shapes/array-of-shapes.json', ['RunInstances', 'StopInstances', 'StopInstances']],
    ['shapes/event-history-download.json', ['RunInstances', 'StopInstances']],
    ['shapes/lookup-events-output.json', ['RunInstances', 'StopInstances']],
  ])('finds the records in %s', (fixture, expected) => {
    expect(names(entriesOf(loadJson(fixture)))).toEqual(expected);
  });

  it('carries the envelope account and region as fallbacks', () => {
    const [entry] = entriesOf(loadJson('shapes/eventbridge-envelope.json'));
    expect(entry).toMatchObject({
      kind: 'record',
      context: { account: '111122223333', region: 'eu-west-1' },
    });
  });

  it('names EventBridge events that are not CloudTrail calls', () => {
    const envelope = {
      'detail-type': 'EC2 Instance State-change Notification',
      detail: { state: 'pending' },
    };
    expect(names(entriesOf(envelope))).toEqual([
      '? EventBridge event "EC2 Instance State-change Notification" is not a CloudTrail API call',
    ]);
  });

  it.each([null, 42, 'text', true, {}, [[[[[[{}]]]]]]])('never throws on %j', (value) => {
    expect(() => [...entriesOf(value)]).not.toThrow();
    expect([...entriesOf(value)].every((e) => e.kind === 'unrecognized')).toBe(true);
  });

  it('reports a LookupEvents item whose CloudTrailEvent is not JSON', () => {
    expect(names(entriesOf({ CloudTrailEvent: '{oops' }))[0]).toMatch(
      /^\? CloudTrailEvent is not valid JSON/,
    );
  });
});
