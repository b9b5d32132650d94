/**
 * Two chains through services, built here from documented record shapes: a Karpenter launch
 * (EC2 Fleet of type `instant`, invoked by ec2fleet.amazonaws.com, the instance tagged with its
 * NodePool; an instant fleet's id is not among the tags), and a CloudFormation stack's
 * termination made with the caller's own credentials (invokedBy cloudformation.amazonaws.com),
 * whose record names no stack while its launch's tags do. Expected values are the scenario's.
 */
import { type AttributionRecord, attribute } from '../../lambda/domain';
import { MemoryLineage, resolveRecord } from '../../lambda/domain/lineage/resolve';
import { loadJson } from '../helpers/fixtures';

const ACCOUNT = '111122223333';

async function resolveAll(events: object[]): Promise<AttributionRecord[]> {
  const lineage = new MemoryLineage();
  const records: AttributionRecord[] = [];
  for (const event of events) {
    const result = attribute(event);
    if (result.kind !== 'records') throw new Error(`skipped: ${result.detail}`);
    for (const record of result.records) {
      lineage.add(record);
      records.push(record);
    }
  }
  return Promise.all(records.map((r) => resolveRecord(r, lineage)));
}

/** The CLI launch fixture with another caller and the instance's tags. */
function launchBy(userIdentity: object, userAgent: string, tags: Record<string, string>, eventID: string) {
  const raw = loadJson('events/runinstances-iamuser-cli.json') as {
    responseElements: { instancesSet: { items: { tagSet?: unknown }[] } };
  } & Record<string, unknown>;
  const tagSet = { items: Object.entries(tags).map(([key, value]) => ({ key, value })) };
  raw.responseElements.instancesSet.items = raw.responseElements.instancesSet.items.slice(0, 1);
  for (const item of raw.responseElements.instancesSet.items) item.tagSet = tagSet;
  return {
    ...raw,
    eventID,
    userIdentity,
    userAgent,
    requestParameters: {
      ...(raw.requestParameters as object),
      tagSpecificationSet: { items: [{ resourceType: 'instance', tags: tagSet.items }] },
    },
  };
}

describe('held-out chains through services', () => {
  it('names the Karpenter NodePool behind an instant EC2 Fleet launch, not a fleet without an id', async () => {
    const fleetRole = {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSServiceRoleForEC2Fleet/EC2Fleet`,
      accountId: ACCOUNT,
      invokedBy: 'ec2fleet.amazonaws.com',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          arn: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/ec2fleet.amazonaws.com/AWSServiceRoleForEC2Fleet`,
          userName: 'AWSServiceRoleForEC2Fleet',
        },
      },
    };
    const [record] = await resolveAll([
      launchBy(
        fleetRole,
        'ec2fleet.amazonaws.com',
        {
          'karpenter.sh/nodepool': 'gpu',
          'karpenter.k8s.aws/ec2nodeclass': 'default',
          'eks:eks-cluster-name': 'prod',
        },
        'karpenter-launch-1',
      ),
    ]);
    expect(record?.via).toEqual({
      service: 'karpenter.sh',
      resourceType: 'karpenter-nodepool',
      resourceId: 'gpu',
    });
  });

  it("names the stack of a CloudFormation termination made with the caller's credentials, from its launch", async () => {
    const jane = {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Admin_0a1b2c3d4e5f6a7b/jane@example.com`,
      accountId: ACCOUNT,
      invokedBy: 'cloudformation.amazonaws.com',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0a1b2c3d4e5f6a7b`,
          userName: 'AWSReservedSSO_Admin_0a1b2c3d4e5f6a7b',
        },
      },
    };
    const launch = launchBy(
      jane,
      'cloudformation.amazonaws.com',
      { 'aws:cloudformation:stack-name': 'bastion', 'aws:cloudformation:logical-id': 'Host' },
      'cfn-launch-1',
    );
    const instanceId = (launch.responseElements.instancesSet.items[0] as { instanceId: string }).instanceId;
    const terminate = {
      ...(loadJson('events/terminateinstances-response-omitted.json') as Record<string, unknown>),
      eventID: 'cfn-terminate-1',
      eventTime: '2026-03-02T12:00:00Z',
      userIdentity: jane,
      userAgent: 'cloudformation.amazonaws.com',
      requestParameters: { instancesSet: { items: [{ instanceId }] } },
    };
    const records = await resolveAll([launch, terminate]);
    const ended = records.find((r) => r.action === 'terminate');
    expect(records.find((r) => r.action === 'launch')?.via?.resourceId).toBe('bastion');
    expect(ended?.via).toEqual({
      service: 'cloudformation.amazonaws.com',
      resourceType: 'cloudformation-stack',
      resourceId: 'bastion',
    });
    expect(ended?.actor.name).toBe('jane@example.com');
  });
});
