/**
 * The history rules under real arrival orders, against DynamoDB Local and the SNS emulator:
 * launches and terminations that arrive late, twice, or at the same moment still give the
 * alerts the policy promises.
 */
import { compilePolicy, parsePolicy } from '../../lambda/domain';
import { loadJson } from '../helpers/fixtures';
import { envelope, pipeline } from '../helpers/pipeline';
import { dynamoClient } from '../helpers/services';

const QUOTA = compilePolicy(
  parsePolicy({ rules: { launchQuota: { maxInstances: 50, windowMinutes: 60 } } }, 'test'),
);
const PROTECTED = compilePolicy(
  parsePolicy({ rules: { protectedInstances: { tags: { Environment: 'prod*' } } } }, 'test'),
);

/** A launch of 20 instances by alice (CloudTrail omitted the response: counted from maxCount). */
function launchOf20(id: string, minute: number, identity?: object): Record<string, unknown> {
  const base = loadJson('damaged/launch-response-omitted.json') as Record<string, unknown>;
  const text = JSON.stringify(base).replace('"minCount":2,"maxCount":2', '"minCount":20,"maxCount":20');
  return {
    ...JSON.parse(text),
    eventID: id,
    eventTime: `2026-03-02T09:${String(minute).padStart(2, '0')}:00Z`,
    ...(identity ? { userIdentity: identity } : {}),
  };
}

/** alice's CI role, with a new session name for every launch. */
function jobSession(n: number): object {
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLEROLE00001:job-${n}`,
    arn: `arn:aws:sts::111122223333:assumed-role/ci-deployer/job-${n}`,
    accountId: '111122223333',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        arn: 'arn:aws:iam::111122223333:role/ci-deployer',
        userName: 'ci-deployer',
      },
    },
  };
}

async function quotaAlerts(
  order: (events: Record<string, unknown>[], handle: (e: unknown) => Promise<unknown>) => Promise<void>,
  identity?: (n: number) => object,
) {
  const p = await pipeline(dynamoClient(), { policy: QUOTA });
  const events = [0, 10, 20].map((minute, n) => launchOf20(`quota-${n}`, minute, identity?.(n)));
  await order(events, (e) => p.handle(envelope(e)));
  return (await p.alerts()).filter((subject) => subject.startsWith('[WARNING]'));
}

describe('launch quota whatever the arrival order (three launches of 20 in 20 minutes, quota 50 an hour)', () => {
  it('alerts once in order', async () => {
    const alerts = await quotaAlerts(async (events, handle) => {
      for (const e of events) await handle(e);
    });
    expect(alerts).toHaveLength(1);
  });

  it('alerts once in reverse order', async () => {
    const alerts = await quotaAlerts(async (events, handle) => {
      for (const e of [...events].reverse()) await handle(e);
    });
    expect(alerts).toHaveLength(1);
  });

  it('alerts at least once when all three are processed at the same moment', async () => {
    const alerts = await quotaAlerts(async (events, handle) => {
      await Promise.all(events.map(handle));
    });
    expect(alerts.length).toBeGreaterThanOrEqual(1);
    expect(alerts.length).toBeLessThanOrEqual(3);
  });

  it('counts a role whose session is renamed for every launch as one launcher', async () => {
    const alerts = await quotaAlerts(async (events, handle) => {
      for (const e of events) await handle(e);
    }, jobSession);
    expect(alerts).toHaveLength(1);
  });

  it('does not count a redelivered launch twice', async () => {
    const alerts = await quotaAlerts(async (events, handle) => {
      // 20 + 20 twice more is 60 if counted again; 40 if not.
      const [first, second] = events;
      for (const e of [first, second, first, second, first]) await handle(e);
    });
    expect(alerts).toHaveLength(0);
  });
});

function protectedLaunch(): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(loadJson('events/runinstances-iamuser-cli.json')).replaceAll(
      '"Environment","value":"staging"',
      '"Environment","value":"production"',
    ),
  );
}
const TERMINATE = () => loadJson('events/terminateinstances-response-omitted.json');

describe('protected instances whatever the arrival order', () => {
  it.each([
    ['launch, then terminate', ['launch', 'terminate']],
    ['terminate, then launch', ['terminate', 'launch']],
    ['launch, terminate, the launch again', ['launch', 'terminate', 'launch']],
    ['terminate, launch, the terminate again', ['terminate', 'launch', 'terminate']],
    ['launch, terminate, both again', ['launch', 'terminate', 'launch', 'terminate']],
  ])('alerts exactly once for one protected termination: %s', async (_name, order) => {
    const p = await pipeline(dynamoClient(), { policy: PROTECTED });
    for (const which of order) await p.handle(envelope(which === 'launch' ? protectedLaunch() : TERMINATE()));
    expect(await p.alerts()).toEqual([
      '[CRITICAL] bob terminated i-0a1b2c3d4e5f60001, i-0a1b2c3d4e5f60002 in eu-west-1',
    ]);
  });

  it('alerts exactly once when the terminate and its launch are processed at the same moment', async () => {
    // Ten fresh tables, so the two events really race in some of them.
    for (let round = 0; round < 10; round++) {
      const p = await pipeline(dynamoClient(), { policy: PROTECTED });
      const outcomes = await Promise.allSettled([
        p.handle(envelope(protectedLaunch())),
        p.handle(envelope(TERMINATE())),
      ]);
      // A delivery that found the alert in flight failed on purpose; the platform retries it.
      for (const [i, outcome] of outcomes.entries())
        if (outcome.status === 'rejected')
          await p.handle(envelope(i === 0 ? protectedLaunch() : TERMINATE()));
      expect(await p.alerts()).toHaveLength(1);
    }
  });
});
