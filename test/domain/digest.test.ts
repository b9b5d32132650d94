import { chatNotificationOf } from '../../lambda/domain/chat-notification';
import { renderDigest } from '../../lambda/domain/digest/render';
import { type DigestRow, peopleIn, type SentAlert, summarize } from '../../lambda/domain/digest/summarize';

const WINDOW = { fromMs: Date.parse('2026-03-01T00:00:00Z'), toMs: Date.parse('2026-03-08T00:00:00Z') };

function row(over: Partial<DigestRow> & Pick<DigestRow, 'eventKey' | 'action'>): DigestRow {
  return {
    instanceId: 'i-0000000000000000a',
    eventTime: '2026-03-02T10:00:00Z',
    eventName: 'RunInstances',
    outcome: 'success',
    errorCode: null,
    account: '111122223333',
    region: 'eu-west-1',
    actor: { name: 'alice', arn: 'arn:aws:iam::111122223333:user/alice', type: 'IAMUser' },
    via: null,
    initiator: null,
    launch: null,
    ...over,
  };
}

const warned = new Map<string, SentAlert>([['e1', { severity: 'warning', rules: ['requiredTags'] }]]);

describe('digest summary', () => {
  it('counts a row delivered twice once', () => {
    const launch = row({ eventKey: 'e1', action: 'launch' });
    const digest = summarize([launch, launch], warned, WINDOW);
    expect(digest.totals).toMatchObject({ launchCalls: 1, instancesLaunched: 1, alerts: 1 });
    expect(digest.violationsByRule).toEqual([{ name: 'requiredTags', count: 1 }]);
  });

  it('keeps an instance stopped then started among those still running, and not one stopped last', () => {
    const launch = row({ eventKey: 'e1', action: 'launch' });
    const stop = row({
      eventKey: 'e2',
      action: 'stop',
      eventName: 'StopInstances',
      eventTime: '2026-03-03T10:00:00Z',
    });
    const start = row({
      eventKey: 'e3',
      action: 'start',
      eventName: 'StartInstances',
      eventTime: '2026-03-04T10:00:00Z',
    });
    // Rows come newest first from the table: the order must not matter.
    expect(summarize([start, stop, launch], warned, WINDOW).stillRunning).toHaveLength(1);
    expect(summarize([stop, launch], warned, WINDOW).stillRunning).toHaveLength(0);
  });

  it('treats a terminate as final even when a start is logged after it', () => {
    const launch = row({ eventKey: 'e1', action: 'launch' });
    const end = row({ eventKey: 'e2', action: 'terminate', eventTime: '2026-03-05T10:00:00Z' });
    const late = row({ eventKey: 'e3', action: 'start', eventTime: '2026-03-06T10:00:00Z' });
    expect(summarize([late, end, launch], warned, WINDOW).stillRunning).toHaveLength(0);
  });

  it('counts the alert about a protected instance’s termination under its own key', () => {
    const end = row({ eventKey: 'e9', action: 'terminate', eventName: 'TerminateInstances' });
    const alerts = new Map<string, SentAlert>([
      ['protected#e9', { severity: 'critical', rules: ['protectedInstances'] }],
    ]);
    const digest = summarize([end], alerts, WINDOW);
    expect(digest.alertsBySeverity).toEqual({ critical: 1, warning: 0, info: 0 });
    expect(digest.violationsByRule).toEqual([{ name: 'protectedInstances', count: 1 }]);
  });

  it('credits a service’s launch to the person behind it', () => {
    const asg = row({
      eventKey: 'e1',
      action: 'launch',
      actor: {
        name: 'AutoScaling',
        arn: 'arn:aws:sts::1:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling',
        type: 'AssumedRole',
      },
      via: { service: 'autoscaling.amazonaws.com' },
      initiator: { name: 'bob', arn: 'arn:aws:iam::1:user/bob' },
    });
    const digest = summarize([asg], new Map(), WINDOW);
    expect(digest.topLaunchers).toEqual([{ name: 'bob', count: 1 }]);
    expect(digest.services).toEqual([{ service: 'autoscaling.amazonaws.com', person: 'bob', instances: 1 }]);
    expect(summarize([asg], new Map(), WINDOW, 'Bob').totals.instancesLaunched).toBe(1);
    expect(peopleIn([asg], WINDOW)).toEqual([{ person: 'bob', personArn: 'arn:aws:iam::1:user/bob' }]);
  });

  it('counts, per person, the instances launched with ec2trail:ack or ec2trail:protected in the request', () => {
    const rows = [
      row({
        eventKey: 'a1',
        action: 'launch',
        instanceId: 'i-1',
        launch: { optedOut: 'ec2trail:ack=load test' },
      }),
      row({
        eventKey: 'a1',
        action: 'launch',
        instanceId: 'i-2',
        launch: { optedOut: 'ec2trail:ack=load test' },
      }),
      row({ eventKey: 'a2', action: 'launch', instanceId: 'i-3' }),
      row({
        eventKey: 'b1',
        action: 'launch',
        instanceId: 'i-4',
        actor: { name: 'bob', arn: 'arn:aws:iam::111122223333:user/bob', type: 'IAMUser' },
        launch: { optedOut: 'ec2trail:protected=true' },
      }),
    ];
    const digest = summarize(rows, new Map(), WINDOW);
    // By hand: alice opted out 2 of her 3 instances, bob 1 of 1.
    expect(digest.optedOutAtLaunch).toEqual([
      { name: 'alice', count: 2 },
      { name: 'bob', count: 1 },
    ]);
    const email = renderDigest(digest).email;
    expect(email).toContain(
      'Opted out at launch (ec2trail:ack or ec2trail:protected in the request; instances)',
    );
    expect(email).toMatch(/ {2}alice: 2\n {2}bob: 1/);
    expect(renderDigest(summarize([rows[2] as DigestRow], new Map(), WINDOW)).email).not.toContain(
      'Opted out',
    );
  });

  it('never makes a personal digest of a claimed name, and lists it as a claim', () => {
    const claimed = row({
      eventKey: 'c1',
      action: 'launch',
      instanceId: 'i-9',
      actor: {
        name: 'jane.doe@example.com',
        arn: 'arn:aws:sts::111122223333:assumed-role/Deployer/jane.doe@example.com',
        type: 'AssumedRole',
      },
      verified: false,
    });
    const own = row({ eventKey: 'a1', action: 'launch', instanceId: 'i-1' });
    expect(peopleIn([claimed, own], WINDOW).map((p) => p.person)).toEqual(['alice']);
    expect(
      summarize([claimed, own], new Map(), WINDOW, 'jane.doe@example.com').totals.instancesLaunched,
    ).toBe(0);
    expect(summarize([claimed, own], new Map(), WINDOW).topLaunchers).toEqual([
      { name: 'alice', count: 1 },
      {
        name: 'arn:aws:sts::111122223333:assumed-role/Deployer/jane.doe@example.com (claims to be jane.doe@example.com)',
        count: 1,
      },
    ]);
  });

  it('leaves out rows outside the window and rows without a time', () => {
    const before = row({ eventKey: 'e1', action: 'launch', eventTime: '2026-02-28T23:59:59Z' });
    const timeless = row({ eventKey: 'e2', action: 'launch', eventTime: null });
    expect(summarize([before, timeless], new Map(), WINDOW).totals.launchCalls).toBe(0);
  });

  it('publishes as kind=digest, addressed to the person when it is theirs', () => {
    const digest = summarize([row({ eventKey: 'e1', action: 'launch' })], warned, WINDOW, 'alice');
    const message = renderDigest(digest, {
      person: 'alice',
      personArn: 'arn:aws:iam::111122223333:user/alice',
    });
    expect(message.attributes).toEqual({
      kind: 'digest',
      scope: 'person',
      person: 'alice',
      personArn: 'arn:aws:iam::111122223333:user/alice',
    });
    expect(message.subject).toBe('[DIGEST] alice: 1 launch, 1 alert to 2026-03-08');
    expect(message.subject.length).toBeLessThan(100);
    expect(JSON.parse(message.json).totals.instancesLaunched).toBe(1);
  });

  it('cuts each list in the email to ten lines and says how many more', () => {
    const rows = Array.from({ length: 13 }, (_, n) =>
      row({
        eventKey: `e${n}`,
        action: 'launch',
        instanceId: `i-${String(n).padStart(17, '0')}`,
        actor: { name: `user${n}`, arn: null, type: 'IAMUser' },
      }),
    );
    const email = renderDigest(summarize(rows, new Map(), WINDOW)).email;
    expect(email).toContain('  …and 3 more');
    expect(email.split('\n').filter((l) => /^ {2}user\d+: 1$/.test(l))).toHaveLength(10);
  });

  it('writes the email a manager reads, every section in order', () => {
    const rows = [
      row({ eventKey: 'e1', action: 'launch', instanceId: 'i-0000000000000000a' }),
      row({ eventKey: 'e1', action: 'launch', instanceId: 'i-0000000000000000b' }),
      row({
        eventKey: 'e2',
        action: 'launch',
        instanceId: null,
        outcome: 'failed',
        errorCode: 'Client.UnauthorizedOperation',
        actor: { name: 'mallory', arn: null, type: 'IAMUser' },
      }),
      row({
        eventKey: 'e3',
        action: 'terminate',
        eventName: 'TerminateInstances',
        instanceId: 'i-0000000000000000b',
        eventTime: '2026-03-03T10:00:00Z',
      }),
    ];
    const alerts = new Map<string, SentAlert>([
      ['e1', { severity: 'warning', rules: ['requiredTags', 'imdsv2Required'] }],
      ['e2', { severity: 'warning', rules: ['failedAttempts'] }],
    ]);
    const message = renderDigest(summarize(rows, alerts, WINDOW));
    // Hand count: one launch call of two instances, one terminated; mallory's refused call; two alerts.
    expect(message.email.split('\n')).toEqual([
      'ec2trail digest for everyone: 2026-03-01 00:00 UTC to 2026-03-08 00:00 UTC',
      '',
      'Summary: 2 instances launched in 1 call, 0 stopped, 0 started, 1 terminated, 1 failed attempt; 2 alerts (0 critical, 2 warning, 0 info).',
      '',
      'Broken rules (events)',
      '  failedAttempts: 1',
      '  imdsv2Required: 1',
      '  requiredTags: 1',
      '',
      'Top launchers (instances)',
      '  alice: 2',
      '',
      'Still running after breaking a rule',
      '  i-0000000000000000a [WARNING] requiredTags, imdsv2Required: launched by alice at 2026-03-02 10:00 UTC (111122223333, eu-west-1)',
      '',
      'Launched by services',
      '  none',
      '',
      'Failed attempts',
      '  mallory: RunInstances refused with Client.UnauthorizedOperation ×1',
      '',
      'Sent by ec2trail. Ask the table for details: ec2trail who INSTANCE-ID, ec2trail activity PERSON.',
    ]);
    expect(message.subject).toBe('[DIGEST] everyone: 2 launches, 2 alerts to 2026-03-08');
    // 160 GSM-7 characters at most: the summary sentence, cut with "..." where it runs over.
    expect(message.sms.length).toBe(160);
    expect(message.sms).toMatch(
      /^ec2trail digest \(everyone\), 2026-03-01 to 2026-03-08: 2 instances launched in 1 call, .*\.\.\.$/,
    );
    expect(message.attributes).toEqual({ kind: 'digest', scope: 'team' });
  });

  it('reaches chat as a digest, not as a violation, and in no launch’s thread', () => {
    const chat = JSON.parse(chatNotificationOf(renderDigest(summarize([], new Map(), WINDOW))));
    expect(chat.metadata.eventType).toBe('EC2TrailDigest');
    expect(chat.metadata.threadId).toBeUndefined();
    expect(chat.content.title).toContain('DIGEST');
  });
});

describe('digest summary: counts, people and order', () => {
  const alice = { name: 'alice', arn: 'arn:aws:iam::111122223333:user/alice', type: 'IAMUser' };
  const bob = { name: 'bob', arn: 'arn:aws:iam::111122223333:user/bob', type: 'IAMUser' };
  const a = 'i-0000000000000000a';
  const b = 'i-0000000000000000b';

  it('counts stops, starts and terminations per instance, with both ends of the window in', () => {
    const rows = [
      row({ eventKey: 'l', action: 'launch', instanceId: a, eventTime: '2026-03-01T00:00:00Z' }),
      row({ eventKey: 'l', action: 'launch', instanceId: b, eventTime: '2026-03-01T00:00:00Z' }),
      row({ eventKey: 's', action: 'stop', instanceId: a, eventTime: '2026-03-02T00:00:00Z' }),
      row({ eventKey: 's', action: 'stop', instanceId: b, eventTime: '2026-03-02T00:00:00Z' }),
      row({ eventKey: 'r', action: 'start', instanceId: a, eventTime: '2026-03-03T00:00:00Z' }),
      row({ eventKey: 't', action: 'terminate', instanceId: b, eventTime: '2026-03-08T00:00:00Z' }),
      // One millisecond past the window's end: not counted.
      row({ eventKey: 'x', action: 'stop', instanceId: a, eventTime: '2026-03-08T00:00:00.001Z' }),
    ];
    // Hand count: 1 launch call of 2 instances; the stop call stops 2; 1 start; 1 terminate.
    expect(summarize(rows, new Map(), WINDOW).totals).toEqual({
      launchCalls: 1,
      instancesLaunched: 2,
      stops: 2,
      starts: 1,
      terminations: 1,
      failedAttempts: 0,
      alerts: 0,
    });
  });

  it("narrows to one person's rows, matched in any case, a source identity before the role session", () => {
    const carol = {
      name: 'deploy-session',
      arn: 'arn:aws:sts::111122223333:assumed-role/deploy/deploy-session',
      type: 'AssumedRole',
      sourceIdentity: 'Carol',
    };
    const rows = [
      row({ eventKey: 'e1', action: 'launch', instanceId: a, actor: alice }),
      row({ eventKey: 'e2', action: 'launch', instanceId: b, actor: bob }),
      row({ eventKey: 'e3', action: 'launch', instanceId: 'i-0000000000000000c', actor: carol }),
    ];
    expect(summarize(rows, new Map(), WINDOW, 'ALICE').topLaunchers).toEqual([{ name: 'alice', count: 1 }]);
    expect(summarize(rows, new Map(), WINDOW, 'carol').topLaunchers).toEqual([{ name: 'Carol', count: 1 }]);
    expect(summarize(rows, new Map(), WINDOW, 'deploy-session').totals.launchCalls).toBe(0);
  });

  it('ranks launchers by instances, then by name', () => {
    const rows = [
      row({
        eventKey: 'e1',
        action: 'launch',
        instanceId: 'i-00000000000000001',
        actor: { ...bob, name: 'zed' },
      }),
      row({ eventKey: 'e2', action: 'launch', instanceId: 'i-00000000000000002', actor: bob }),
      row({ eventKey: 'e3', action: 'launch', instanceId: 'i-00000000000000003', actor: alice }),
      row({ eventKey: 'e3', action: 'launch', instanceId: 'i-00000000000000004', actor: alice }),
    ];
    expect(summarize(rows, new Map(), WINDOW).topLaunchers).toEqual([
      { name: 'alice', count: 2 },
      { name: 'bob', count: 1 },
      { name: 'zed', count: 1 },
    ]);
  });

  it('groups failed attempts by person, call and error, most first, once per call', () => {
    const refused = (eventKey: string, name: string, errorCode: string | null) =>
      row({
        eventKey,
        action: 'launch',
        instanceId: null,
        outcome: 'failed',
        errorCode,
        actor: { name, arn: null, type: 'IAMUser' },
      });
    const rows = [
      refused('f1', 'zed', 'Client.UnauthorizedOperation'),
      refused('f2', 'mallory', 'Client.UnauthorizedOperation'),
      refused('f3', 'mallory', 'Client.UnauthorizedOperation'),
      // The same refused call delivered again: still one attempt.
      refused('f3', 'mallory', 'Client.UnauthorizedOperation'),
      refused('f4', 'mallory', null),
    ];
    const digest = summarize(rows, new Map(), WINDOW);
    expect(digest.totals.failedAttempts).toBe(4);
    expect(digest.failed).toEqual([
      { person: 'mallory', eventName: 'RunInstances', errorCode: 'Client.UnauthorizedOperation', count: 2 },
      { person: 'mallory', eventName: 'RunInstances', errorCode: 'unknown error', count: 1 },
      { person: 'zed', eventName: 'RunInstances', errorCode: 'Client.UnauthorizedOperation', count: 1 },
    ]);
  });

  it('names a service that launched for nobody known as that service, and ranks services by instances', () => {
    const spot = { name: 'EC2Fleet', arn: null, type: 'AWSService' };
    const viaFleet = (instanceId: string) =>
      row({
        eventKey: 'f',
        action: 'launch',
        instanceId,
        actor: spot,
        via: { service: 'ec2fleet.amazonaws.com' },
      });
    const rows = [
      viaFleet('i-00000000000000001'),
      viaFleet('i-00000000000000002'),
      row({
        eventKey: 'g',
        action: 'launch',
        instanceId: 'i-00000000000000003',
        actor: spot,
        via: { service: 'autoscaling.amazonaws.com' },
        initiator: { name: 'bob', arn: bob.arn },
      }),
    ];
    const digest = summarize(rows, new Map(), WINDOW);
    expect(digest.services).toEqual([
      { service: 'ec2fleet.amazonaws.com', person: null, instances: 2 },
      { service: 'autoscaling.amazonaws.com', person: 'bob', instances: 1 },
    ]);
    expect(digest.topLaunchers[0]).toEqual({ name: 'ec2fleet.amazonaws.com (no person known)', count: 2 });
  });

  it('lists what still runs most severe first, then oldest first', () => {
    const rows = [
      row({
        eventKey: 'w2',
        action: 'launch',
        instanceId: 'i-00000000000000002',
        eventTime: '2026-03-03T00:00:00Z',
      }),
      row({
        eventKey: 'w1',
        action: 'launch',
        instanceId: 'i-00000000000000001',
        eventTime: '2026-03-02T00:00:00Z',
      }),
      row({
        eventKey: 'c',
        action: 'launch',
        instanceId: 'i-00000000000000003',
        eventTime: '2026-03-04T00:00:00Z',
      }),
    ];
    const alerts = new Map<string, SentAlert>([
      ['w1', { severity: 'warning', rules: ['requiredTags'] }],
      ['w2', { severity: 'warning', rules: ['requiredTags'] }],
      ['c', { severity: 'critical', rules: ['rootUser'] }],
    ]);
    expect(summarize(rows, alerts, WINDOW).stillRunning.map((s) => s.instanceId)).toEqual([
      'i-00000000000000003',
      'i-00000000000000001',
      'i-00000000000000002',
    ]);
  });

  it('addresses each person in the window once, by name order, with an ARN they acted under when one is known', () => {
    const rows = [
      row({ eventKey: 'e1', action: 'launch', actor: { name: 'zed', arn: null, type: 'IAMUser' } }),
      row({
        eventKey: 'e2',
        action: 'stop',
        actor: { name: 'zed', arn: 'arn:aws:iam::1:user/zed', type: 'IAMUser' },
      }),
      row({
        eventKey: 'e3',
        action: 'stop',
        actor: { name: 'zed', arn: 'arn:aws:iam::1:user/other', type: 'IAMUser' },
      }),
      row({ eventKey: 'e4', action: 'launch', actor: alice }),
      row({ eventKey: 'e5', action: 'launch', actor: bob, eventTime: '2026-02-01T00:00:00Z' }),
      row({
        eventKey: 'e6',
        action: 'launch',
        actor: { name: 'EC2Fleet', arn: null, type: 'AWSService' },
        via: { service: 'ec2fleet.amazonaws.com' },
      }),
    ];
    expect(peopleIn(rows, WINDOW)).toEqual([
      { person: 'alice', personArn: alice.arn },
      { person: 'zed', personArn: 'arn:aws:iam::1:user/zed' },
    ]);
  });
});

describe('digest message', () => {
  it('says plainly that a quiet window was quiet', () => {
    const email = renderDigest(summarize([], new Map(), WINDOW)).email.split('\n');
    expect(email).toEqual([
      'ec2trail digest for everyone: 2026-03-01 00:00 UTC to 2026-03-08 00:00 UTC',
      '',
      'Summary: 0 instances launched in 0 calls, 0 stopped, 0 started, 0 terminated, 0 failed attempts; 0 alerts.',
      '',
      'Broken rules (events)',
      '  none',
      '',
      'Top launchers (instances)',
      '  nobody launched anything',
      '',
      'Still running after breaking a rule',
      '  none',
      '',
      'Launched by services',
      '  none',
      '',
      'Failed attempts',
      '  none',
      '',
      'Sent by ec2trail. Ask the table for details: ec2trail who INSTANCE-ID, ec2trail activity PERSON.',
    ]);
  });

  it('lists services with the person behind them, or says none is known', () => {
    const fleet = { name: 'EC2Fleet', arn: null, type: 'AWSService' };
    const rows = [
      row({ eventKey: 'f', action: 'launch', actor: fleet, via: { service: 'ec2fleet.amazonaws.com' } }),
      row({
        eventKey: 'g',
        action: 'launch',
        instanceId: 'i-0000000000000000b',
        actor: fleet,
        via: { service: 'autoscaling.amazonaws.com' },
        initiator: { name: 'bob', arn: 'arn:aws:iam::1:user/bob' },
      }),
    ];
    const email = renderDigest(summarize(rows, new Map(), WINDOW)).email.split('\n');
    const from = email.indexOf('Launched by services');
    expect(email.slice(from + 1, from + 3)).toEqual([
      '  autoscaling.amazonaws.com for bob: 1 instance',
      '  ec2fleet.amazonaws.com for no known person: 1 instance',
    ]);
  });

  it('keeps at most 200 entries of each list in the JSON body and counts the rest', () => {
    const launches = (count: number) =>
      Array.from({ length: count }, (_, n) =>
        row({
          eventKey: `e${n}`,
          action: 'launch',
          instanceId: `i-${String(n).padStart(17, '0')}`,
          actor: { name: `user${String(n).padStart(3, '0')}`, arn: null, type: 'IAMUser' },
        }),
      );
    const body = (count: number) =>
      JSON.parse(renderDigest(summarize(launches(count), new Map(), WINDOW)).json);
    const over = body(203);
    expect(over).toMatchObject({ source: 'ec2trail', kind: 'digest', omitted: { topLaunchers: 3 } });
    expect(over.topLaunchers).toHaveLength(200);
    expect(over.totals.instancesLaunched).toBe(203);
    const full = body(200);
    expect(full.topLaunchers).toHaveLength(200);
    expect('omitted' in full).toBe(false);
  });
});
