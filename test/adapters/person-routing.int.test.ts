/**
 * Each person receives their own alerts only: the filter policies the stack puts on their email
 * subscriptions, tried on SQS subscriptions of the SNS emulator, with alerts rendered by the
 * function's own code from fixtures. Who launched what is read off the fixtures by hand: Jane
 * through an IAM Identity Center session named jane.doe@example.com, alice as an IAM user,
 * root on the console.
 */

import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { SnsAlertPublisher } from '../../lambda/adapters/sns-alert-publisher';
import { attribute, compilePolicy, evaluate, parsePolicy, renderAlert } from '../../lambda/domain';
import { type PeopleSettings, personFilterPolicy } from '../../lambda/domain/person-filter';
import { loadJson, recordsOf } from '../helpers/fixtures';
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

  it('never delivers to Jane a launch whose caller only claims to be her: it goes to the team', async () => {
    const { TopicArn } = await snsClient().send(new CreateTopicCommand({ Name: `claims-${Date.now()}` }));
    if (!TopicArn) throw new Error('no topic');
    const stamp = Date.now();
    const jane = await subscribedQueue(
      TopicArn,
      `jane-claim-${stamp}`,
      personFilterPolicy({ email: 'jane.doe@example.com', names: [], arnPrefixes: [] }, SETTINGS),
    );
    const team = await subscribedQueue(TopicArn, `team-claim-${stamp}`);
    // An IAM user assumed the role Deployer with the session name jane.doe@example.com, from the CLI:
    // the session name and the source identity are the AssumeRole caller's choice.
    const raw = loadJson('events/runinstances-iamuser-cli.json') as Record<string, unknown>;
    const claimed = (extra: object) =>
      attribute({
        ...raw,
        userIdentity: {
          type: 'AssumedRole',
          principalId: 'AROAEXAMPLEDEPLOY:jane.doe@example.com',
          arn: 'arn:aws:sts::111122223333:assumed-role/Deployer/jane.doe@example.com',
          accountId: '111122223333',
          accessKeyId: 'ASIAEXAMPLEDEPLOY',
          sessionContext: {
            sessionIssuer: {
              type: 'Role',
              principalId: 'AROAEXAMPLEDEPLOY',
              arn: 'arn:aws:iam::111122223333:role/Deployer',
              accountId: '111122223333',
              userName: 'Deployer',
            },
            attributes: { creationDate: '2026-03-02T09:00:00Z', mfaAuthenticated: 'false' },
            ...extra,
          },
        },
      });
    const publisher = new SnsAlertPublisher(snsClient(), TopicArn);
    for (const result of [claimed({}), claimed({ sourceIdentity: 'jane.doe@example.com' })]) {
      if (result.kind !== 'records') throw new Error('fixture skipped');
      const alert = renderAlert(result.records, evaluate(result.records, policy, {}));
      expect(alert.attributes).toMatchObject({ person: 'unknown', personArn: 'unknown' });
      expect(alert.subject).toMatch(
        /^\[WARNING\] role Deployer \(claims to be jane\.doe@example\.com\) launched /,
      );
      expect(alert.email).toMatch(
        /Verified: +no: a claim \((role session name|source identity), set by|chosen by/,
      );
      await publisher.publish(alert);
    }
    expect(await receive(jane)).toEqual([]);
    expect(await receive(team)).toHaveLength(2);
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
