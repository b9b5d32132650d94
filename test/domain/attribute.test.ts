import { attribute } from '../../lambda/domain';
import { loadJson, recordsOf } from '../helpers/fixtures';

interface Expectation {
  readonly fixture: string;
  readonly action: string;
  readonly outcome: 'success' | 'failed';
  readonly instanceIds: readonly (string | null)[];
  readonly type: string;
  readonly kind: string;
  readonly name: string | null;
  readonly arn: string | null;
  readonly tool: string;
  readonly errorCode?: string;
}

const CASES: readonly Expectation[] = [
  {
    fixture: 'events/runinstances-iamuser-cli.json',
    action: 'launch',
    outcome: 'success',
    instanceIds: ['i-0a1b2c3d4e5f60001', 'i-0a1b2c3d4e5f60002'],
    type: 'IAMUser',
    kind: 'person',
    name: 'alice',
    arn: 'arn:aws:iam::111122223333:user/alice',
    tool: 'aws-cli',
  },
  {
    fixture: 'events/runinstances-root-console.json',
    action: 'launch',
    outcome: 'success',
    instanceIds: ['i-0b1b2c3d4e5f60001', 'i-0b1b2c3d4e5f60002', 'i-0b1b2c3d4e5f60003'],
    type: 'Root',
    kind: 'root',
    name: 'root',
    arn: 'arn:aws:iam::111122223333:root',
    tool: 'console',
  },
  {
    fixture: 'events/runinstances-sso-terraform.json',
    action: 'launch',
    outcome: 'success',
    instanceIds: ['i-0c1b2c3d4e5f60001'],
    type: 'AssumedRole',
    kind: 'person',
    name: 'jane.doe@example.com',
    arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_PlatformAdmin_0123456789abcdef/jane.doe@example.com',
    tool: 'terraform',
  },
  {
    fixture: 'events/runinstances-autoscaling-spot.json',
    action: 'launch',
    outcome: 'success',
    instanceIds: ['i-0d1b2c3d4e5f60001'],
    type: 'AssumedRole',
    kind: 'service',
    name: 'autoscaling.amazonaws.com',
    arn: 'arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling',
    tool: 'aws-service',
  },
  {
    fixture: 'events/runinstances-dryrun.json',
    action: 'launch',
    outcome: 'failed',
    instanceIds: [null],
    type: 'AssumedRole',
    kind: 'role',
    name: 'ci-deployer/gha-run-8812',
    arn: 'arn:aws:sts::111122223333:assumed-role/ci-deployer/gha-run-8812',
    tool: 'sdk',
    errorCode: 'Client.DryRunOperation',
  },
  {
    fixture: 'events/runinstances-unauthorized-federated.json',
    action: 'launch',
    outcome: 'failed',
    instanceIds: [null],
    type: 'FederatedUser',
    kind: 'person',
    name: 'contractor-bob',
    arn: 'arn:aws:sts::111122223333:federated-user/contractor-bob',
    tool: 'sdk',
    errorCode: 'Client.UnauthorizedOperation',
  },
  {
    fixture: 'events/stopinstances-assumedrole-sourceidentity.json',
    action: 'stop',
    outcome: 'success',
    instanceIds: ['i-0a1b2c3d4e5f60001'],
    type: 'AssumedRole',
    kind: 'person',
    name: 'maria.garcia',
    arn: 'arn:aws:sts::111122223333:assumed-role/Developer/build-bot',
    tool: 'aws-cli',
  },
  {
    fixture: 'events/startinstances-samluser.json',
    action: 'start',
    outcome: 'success',
    instanceIds: ['i-0a1b2c3d4e5f60001'],
    type: 'SAMLUser',
    kind: 'person',
    name: 'SamlExample',
    arn: null,
    tool: 'sdk',
  },
  {
    fixture: 'events/terminateinstances-webidentityuser.json',
    action: 'terminate',
    outcome: 'success',
    instanceIds: ['i-0c1b2c3d4e5f60001'],
    type: 'WebIdentityUser',
    kind: 'person',
    name: '108512345678901234567',
    arn: null,
    tool: 'sdk',
  },
  {
    fixture: 'events/rebootinstances-awsaccount.json',
    action: 'reboot',
    outcome: 'success',
    instanceIds: ['i-0a1b2c3d4e5f60002'],
    type: 'AWSAccount',
    kind: 'account',
    name: 'account 444455556666',
    arn: null,
    tool: 'sdk',
  },
  {
    fixture: 'events/stopinstances-awsservice.json',
    action: 'stop',
    outcome: 'success',
    instanceIds: ['i-0a1b2c3d4e5f60002'],
    type: 'AWSService',
    kind: 'service',
    name: 'ssm.amazonaws.com',
    arn: null,
    tool: 'aws-service',
  },
  {
    fixture: 'events/terminateinstances-identitycenteruser.json',
    action: 'terminate',
    outcome: 'success',
    instanceIds: ['i-0b1b2c3d4e5f60001'],
    type: 'IdentityCenterUser',
    kind: 'person',
    name: '906745e2-e081-7035-4bb3-9e0c2a000000',
    arn: null,
    tool: 'aws-cli',
  },
  {
    fixture: 'events/startinstances-unknown-identity.json',
    action: 'start',
    outcome: 'success',
    instanceIds: ['i-0b1b2c3d4e5f60002'],
    type: 'Unknown',
    kind: 'unknown',
    name: 'ops-automation',
    arn: null,
    tool: 'aws-service',
  },
  {
    fixture: 'events/stopinstances-missing-identity.json',
    action: 'stop',
    outcome: 'success',
    instanceIds: ['i-0b1b2c3d4e5f60003'],
    type: 'Missing',
    kind: 'unknown',
    name: null,
    arn: null,
    tool: 'aws-cli',
  },
  {
    fixture: 'events/sendsshpublickey-sso.json',
    action: 'connect',
    outcome: 'success',
    instanceIds: ['i-0a1b2c3d4e5f60001'],
    type: 'AssumedRole',
    kind: 'person',
    name: 'omar.haddad',
    arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Developer_fedcba9876543210/omar.haddad',
    tool: 'aws-cli',
  },
  {
    fixture: 'events/terminateinstances-response-omitted.json',
    action: 'terminate',
    outcome: 'success',
    instanceIds: ['i-0a1b2c3d4e5f60001', 'i-0a1b2c3d4e5f60002'],
    type: 'IAMUser',
    kind: 'person',
    name: 'bob',
    arn: 'arn:aws:iam::111122223333:user/bob',
    tool: 'aws-cli',
  },
  {
    fixture: 'events/stopinstances-dryrun-failed.json',
    action: 'stop',
    outcome: 'failed',
    instanceIds: ['i-0a1b2c3d4e5f60001', 'i-0a1b2c3d4e5f60002'],
    type: 'IAMUser',
    kind: 'person',
    name: 'carol',
    arn: 'arn:aws:iam::111122223333:user/carol',
    tool: 'aws-cli',
    errorCode: 'Client.DryRunOperation',
  },
  {
    fixture: 'events/runinstances-cloudformation.json',
    action: 'launch',
    outcome: 'success',
    instanceIds: ['i-0f1b2c3d4e5f60001'],
    type: 'AssumedRole',
    kind: 'role',
    name: 'platform-deployer/AWSCloudFormation',
    arn: 'arn:aws:sts::111122223333:assumed-role/platform-deployer/AWSCloudFormation',
    tool: 'cloudformation',
  },
];

describe('attribute', () => {
  it.each(CASES)('attributes $fixture', (expected) => {
    const records = recordsOf(expected.fixture);
    expect(records.map((r) => r.instanceId)).toEqual(expected.instanceIds);
    for (const record of records) {
      expect(record).toMatchObject({
        action: expected.action,
        outcome: expected.outcome,
        errorCode: expected.errorCode ?? null,
        actor: { type: expected.type, kind: expected.kind, name: expected.name, arn: expected.arn },
        source: { tool: expected.tool },
      });
    }
  });

  it('gives every record of one event the same event key and a distinct instance', () => {
    const records = recordsOf('events/runinstances-root-console.json');
    expect(new Set(records.map((r) => r.eventKey))).toEqual(
      new Set(['11111111-aaaa-4bbb-8ccc-000000000002']),
    );
    expect(new Set(records.map((r) => r.instanceId)).size).toBe(3);
  });

  it('skips and names a call that is not a lifecycle action', () => {
    expect(attribute(loadJson('events/createtags-not-lifecycle.json'))).toEqual({
      kind: 'skipped',
      reason: 'not-lifecycle',
      detail: 'ec2.amazonaws.com CreateTags',
    });
  });

  it('skips a CloudTrail Insights event about RunInstances: it records no call', () => {
    const insight = {
      eventVersion: '1.07',
      eventTime: '2026-03-02T10:00:00Z',
      awsRegion: 'us-east-1',
      eventID: 'insight-1',
      eventType: 'AwsCloudTrailInsight',
      eventSource: 'ec2.amazonaws.com',
      eventName: 'RunInstances',
      recipientAccountId: '111122223333',
      sharedEventID: 'shared-1',
      insightDetails: {
        state: 'Start',
        eventSource: 'ec2.amazonaws.com',
        eventName: 'RunInstances',
        insightType: 'ApiCallRateInsight',
      },
      eventCategory: 'Insight',
    };
    expect(attribute(insight)).toEqual({
      kind: 'skipped',
      reason: 'not-lifecycle',
      detail: 'CloudTrail Insights event about RunInstances',
    });
  });

  it('skips an object that is not a CloudTrail record', () => {
    expect(attribute({ hello: 'world' })).toMatchObject({ kind: 'skipped', reason: 'not-cloudtrail' });
  });

  it('does not take RunInstances from another service as a launch', () => {
    const event = {
      ...(loadJson('events/runinstances-iamuser-cli.json') as object),
      eventSource: 'ec2.example.com',
    };
    expect(attribute(event)).toMatchObject({ kind: 'skipped', reason: 'not-lifecycle' });
  });

  it('tolerates stray whitespace in event names and says so', () => {
    const event = {
      ...(loadJson('events/sendsshpublickey-sso.json') as object),
      eventName: 'SendSSHPublicKey ',
    };
    const result = attribute(event);
    expect(result.kind).toBe('records');
    if (result.kind !== 'records') return;
    expect(result.records[0]?.eventName).toBe('SendSSHPublicKey');
    expect(result.records[0]?.warnings).toContain('eventName "SendSSHPublicKey " had stray whitespace');
  });

  it('keeps the instance state change reported in the response', () => {
    const [record] = recordsOf('events/stopinstances-assumedrole-sourceidentity.json');
    expect(record?.instanceState).toEqual({ previous: 'running', current: 'stopping' });
  });

  it('reads instance ids from the request when the response is null', () => {
    const [record] = recordsOf('events/terminateinstances-response-omitted.json');
    expect(record?.instanceState).toBeNull();
    expect(record?.warnings).toEqual([]);
  });

  it('records MFA and console use for the root console launch', () => {
    const [record] = recordsOf('events/runinstances-root-console.json');
    expect(record?.actor.mfaAuthenticated).toBe(false);
    expect(record?.actor.viaConsole).toBe(true);
  });

  it('records who the service acted for in invokedBy', () => {
    const [record] = recordsOf('events/runinstances-autoscaling-spot.json');
    expect(record?.actor.invokedBy).toBe('autoscaling.amazonaws.com');
    expect(record?.actor.roleName).toBe('AWSServiceRoleForAutoScaling');
    expect(record?.actor.sessionName).toBe('AutoScaling');
  });

  it('derives a stable key for an event without eventID', () => {
    const event = { ...(loadJson('events/stopinstances-awsservice.json') as object), eventID: undefined };
    const first = attribute(event);
    const second = attribute(JSON.parse(JSON.stringify(event)));
    expect(first.kind).toBe('records');
    if (first.kind !== 'records' || second.kind !== 'records') return;
    expect(first.records[0]?.eventId).toBeNull();
    expect(first.records[0]?.eventKey).toMatch(/^derived-[0-9a-f]{16}$/);
    expect(second.records[0]?.eventKey).toBe(first.records[0]?.eventKey);
  });

  it('reads the instance of a denied connect from its error message', () => {
    const result = attribute({
      eventSource: 'ec2-instance-connect.amazonaws.com',
      eventName: 'SendSSHPublicKey',
      eventID: 'e1',
      eventTime: '2026-01-01T00:00:00Z',
      awsRegion: 'us-west-2',
      errorCode: 'AccessDenied',
      errorMessage:
        'User: x is not authorized to perform: ec2-instance-connect:SendSSHPublicKey on resource: arn:aws:ec2:us-west-2:111122223333:instance/i-0123456789abcdef0 because ...',
      userIdentity: {
        type: 'IAMUser',
        userName: 'eve',
        arn: 'arn:aws:iam::111122223333:user/eve',
        accountId: '111122223333',
      },
    });
    expect(result.kind === 'records' && result.records.map((r) => r.instanceId)).toEqual([
      'i-0123456789abcdef0',
    ]);
  });
});

describe('trail calls', () => {
  it('attributes StopLogging to the person behind the SSO session, naming the trail', () => {
    const [record, ...rest] = recordsOf('events/stoplogging-sso.json');
    expect(rest).toHaveLength(0);
    expect(record).toMatchObject({
      action: 'stop-logging',
      instanceId: null,
      trail: 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail',
      outcome: 'success',
      actor: { name: 'mallory@example.com', kind: 'person' },
    });
  });

  it('keeps a refused DeleteTrail as a failed record', () => {
    const [record] = recordsOf('events/deletetrail-denied.json');
    expect(record).toMatchObject({
      action: 'delete-trail',
      trail: 'org-trail',
      outcome: 'failed',
      errorCode: 'AccessDenied',
    });
  });
});

describe('damaged records', () => {
  it('keeps what it can read of a garbled record and lists every problem', () => {
    const [record, ...rest] = recordsOf('damaged/garbled-fields.json');
    expect(rest).toHaveLength(0);
    expect(record).toMatchObject({
      action: 'stop',
      eventName: 'StopInstances',
      eventTime: 'yesterday at noon',
      instanceId: 'I-0A1B2C3D4E5F60009',
      actor: { type: 'Missing', name: null, arn: null },
    });
    expect(record?.warnings).toEqual([
      'eventName "  StopInstances " had stray whitespace',
      'eventTime "yesterday at noon" is not a timestamp that can be read unambiguously; kept as found',
      'userIdentity is not an object',
      'an instance id in responseElements is not a string (42)',
      'instance id "I-0A1B2C3D4E5F60009" is malformed; kept as found',
    ]);
  });

  it('yields one record with no instance when a launch response was omitted', () => {
    const records = recordsOf('damaged/launch-response-omitted.json');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      instanceId: null,
      outcome: 'success',
      eventTime: '2026-03-02T09:15:04Z',
    });
    expect(records[0]?.warnings).toContain(
      'responseElements omitted by CloudTrail; launched instance ids are unknown',
    );
    expect(records[0]?.launch?.instanceType).toBe('t3.micro');
  });
});
