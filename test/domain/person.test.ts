/**
 * Whom the rules about people judge, and how messages name them: expectations written from the
 * README ("Who is behind the service") and the fixture files, read by hand.
 */
import type { AttributionRecord } from '../../lambda/domain';
import type { Initiator } from '../../lambda/domain/lineage/link';
import { personOf, throughSuffix } from '../../lambda/domain/policy/person';
import { recordsOf } from '../helpers/fixtures';

function only(file: string): AttributionRecord {
  const [record] = recordsOf(file);
  if (!record) throw new Error(`${file} has no record`);
  return record;
}

/** The Auto Scaling launch of the fixtures, as if linked to a person who set the capacity. */
function launchFor(
  initiator: Partial<Initiator>,
  via: AttributionRecord['via'] | 'keep' = 'keep',
): AttributionRecord {
  const launch = only('events/runinstances-autoscaling-spot.json');
  return {
    ...launch,
    via: via === 'keep' ? launch.via : via,
    initiator: {
      arn: null,
      name: null,
      kind: 'person',
      quotaSubject: null,
      viaConsole: null,
      mfaAuthenticated: null,
      mfaKnown: true,
      verified: true,
      eventId: 'cause-1',
      eventName: 'SetDesiredCapacity',
      eventTime: '2026-03-04T01:59:30Z',
      resourceType: 'auto-scaling-group',
      resourceId: 'web-asg',
      ...initiator,
    },
  };
}

describe('the person a rule judges', () => {
  it('is the caller of their own call, named by source identity first', () => {
    const stop = only('events/stopinstances-assumedrole-sourceidentity.json');
    const person = personOf(stop);
    expect(person.through).toBeNull();
    expect(throughSuffix(person)).toBe('');
    // The fixture's role session is "build-bot", started with sourceIdentity "maria.garcia".
    expect(person.label).toBe('maria.garcia');
  });

  it('is the initiator of a service call, with the service, the resource and the minute of the cause', () => {
    const person = personOf(
      launchFor({ name: 'bob', arn: 'arn:aws:iam::111122223333:user/bob', quotaSubject: 'principal:x' }),
    );
    expect(person.label).toBe('bob');
    expect(person.facts.quotaSubject).toBe('principal:x');
    expect(person.through).toBe(
      'through autoscaling.amazonaws.com for auto-scaling group web-asg: SetDesiredCapacity at 2026-03-04 01:59 UTC',
    );
    expect(throughSuffix(person)).toBe(` (${person.through})`);
  });

  it('counts a cause stored before causes kept a quota subject by its ARN, else its name', () => {
    expect(personOf(launchFor({ arn: 'arn:aws:iam::1:user/bob', name: 'bob' })).facts.quotaSubject).toBe(
      'principal:arn:aws:iam::1:user/bob',
    );
    expect(personOf(launchFor({ name: 'bob' })).facts.quotaSubject).toBe('name:bob');
    expect(personOf(launchFor({})).facts.quotaSubject).toBeNull();
  });

  it('names an initiator by ARN without a name, and says so when it has neither', () => {
    expect(personOf(launchFor({ arn: 'arn:aws:iam::1:user/bob' })).label).toBe('arn:aws:iam::1:user/bob');
    expect(personOf(launchFor({})).label).toBe('an unidentified caller');
  });

  it('says "a service" without a known service, and "an unknown time" without a time', () => {
    const person = personOf(launchFor({ name: 'bob', eventTime: null }, null));
    expect(person.through).toBe('through a service: SetDesiredCapacity at an unknown time');
    expect(personOf(launchFor({ name: 'bob', eventTime: '2026-03' })).through).toMatch(/at an unknown time$/);
  });

  it("judges the caller when the record is a person's own call, even with an initiator set", () => {
    const own = only('events/runinstances-iamuser-cli.json');
    expect(own.lineage.byPerson).toBe(true);
    expect(personOf(own).label).toBe('alice');
  });
});
