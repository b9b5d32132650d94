/**
 * Each person receives their own alerts only: the filter policies the stack puts on their email
 * subscriptions, tried on SQS subscriptions of the SNS emulator, with alerts rendered by the
 * function's own code from fixtures. Who launched what is read off the fixtures by hand: Jane
 * through an IAM Identity Center session named jane.doe@example.com, alice as an IAM user,
 * root on the console.
 */

import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { SnsAlertPublisher } from '../../lambda/adapters/sns-alert-publisher';
import { compilePolicy, evaluate, parsePolicy, renderAlert } from '../../lambda/domain';
import { type PeopleSettings, personFilterPolicy } from '../../lambda/domain/person-filter';
import { recordsOf } from '../helpers/fixtures';
import { snsClient } from '../helpers/services';
import { receive, subscribedQueue } from '../helpers/sns-queues';

// Every launch breaks this: each fixture below yields one warning alert.
const policy = compilePolicy(
  parsePolicy({ rules: { requiredTags: { tags: { NeverSet: null }, severity: 'warning' } } }, 'test'),
);
const alertOf = (fixture: string) => {
  const records = recordsOf(fixture);
  return renderAlert(records, evaluate(records, policy, {}));
};
const SETTINGS: PeopleSettings = { sessionNameIsEmail: true, minSeverity: 'warning' };

describe('alerts routed to the person behind them', () => {
  it('delivers each person only their own alerts, by session email or by ARN prefix', async () => {
    const { TopicArn } = await snsClient().send(new CreateTopicCommand({ Name: `people-${Date.now()}` }));
    if (!TopicArn) throw new Error('no topic');
    const stamp = Date.now();
    // Jane is named by her email alone (her SSO session name); alice by her user's ARN prefix.
    const jane = await subscribedQueue(
      TopicArn,
      `jane-${stamp}`,
      personFilterPolicy({ email: 'Jane.Doe@example.com', names: [], arnPrefixes: [] }, SETTINGS),
    );
    const alice = await subscribedQueue(
      TopicArn,
      `alice-${stamp}`,
      personFilterPolicy(
        { email: 'alice@example.com', names: [], arnPrefixes: ['arn:aws:iam::111122223333:user/alice'] },
        { ...SETTINGS, sessionNameIsEmail: false },
      ),
    );
    const publisher = new SnsAlertPublisher(snsClient(), TopicArn);
    const launches = {
      jane: alertOf('events/runinstances-sso-terraform.json'),
      alice: alertOf('events/runinstances-iamuser-cli.json'),
      root: alertOf('events/runinstances-root-console.json'),
    };
    for (const alert of Object.values(launches)) {
      expect(alert.attributes.severity).toBe('warning');
      await publisher.publish(alert);
    }
    // An alert below the person's minimum severity is not theirs either.
    await publisher.publish({
      ...launches.jane,
      attributes: { ...launches.jane.attributes, severity: 'info' },
    });
    const subjects = async (queue: string) =>
      (await receive(queue)).map((m: { Subject: string }) => m.Subject);
    expect(await subjects(jane)).toEqual([launches.jane.subject]);
    expect(await subjects(alice)).toEqual([launches.alice.subject]);
  });

  it('writes one filter: alerts only, the severities from the minimum, the names lower-cased', () => {
    expect(
      personFilterPolicy(
        {
          email: 'Jane.Doe@example.com',
          names: ['JDoe'],
          arnPrefixes: ['arn:aws:iam::111122223333:user/jdoe'],
        },
        { sessionNameIsEmail: true, minSeverity: 'critical' },
      ),
    ).toEqual({
      kind: ['alert'],
      severity: ['critical'],
      $or: [
        { person: ['jdoe', 'jane.doe@example.com'] },
        { personArn: [{ prefix: 'arn:aws:iam::111122223333:user/jdoe' }] },
      ],
    });
  });
});
