/** Who made a call for a service, and what it acted for: each case from a CloudTrail shape named in the fixtures README. */
import { resolveActor } from '../../lambda/domain/identity';
import {
  readTags,
  resourcesInTags,
  resourceTypeOf,
  serviceBehind,
  viaOf,
} from '../../lambda/domain/lineage/via';

const ACCOUNT = '111122223333';
const slr = (service: string, role: string) => ({
  type: 'AssumedRole',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/x`,
  accountId: ACCOUNT,
  invokedBy: service,
  sessionContext: {
    sessionIssuer: {
      arn: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/${service}/${role}`,
      userName: role,
    },
  },
});
const user = (name: string, extra: Record<string, unknown> = {}) => ({
  type: 'IAMUser',
  arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
  accountId: ACCOUNT,
  userName: name,
  ...extra,
});
const role = (name: string) => ({
  type: 'AssumedRole',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/s`,
  accountId: ACCOUNT,
  sessionContext: { sessionIssuer: { arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, userName: name } },
});

describe('serviceBehind', () => {
  it.each([
    [
      'a service-linked role',
      slr('autoscaling.amazonaws.com', 'AWSServiceRoleForAutoScaling'),
      'autoscaling.amazonaws.com',
      'autoscaling.amazonaws.com',
    ],
    [
      'an AWSService principal',
      { type: 'AWSService', invokedBy: 'spot.amazonaws.com' },
      null,
      'spot.amazonaws.com',
    ],
    [
      'a person whose call a service made',
      user('bob', { invokedBy: 'cloudformation.amazonaws.com' }),
      'cloudformation.amazonaws.com',
      'cloudformation.amazonaws.com',
    ],
    [
      'a role with a service as its user agent',
      role('cfn-exec-role'),
      'cloudformation.amazonaws.com',
      'cloudformation.amazonaws.com',
    ],
    [
      "Karpenter's controller",
      role('KarpenterControllerRole'),
      'karpenter.sh-v1.0.5 aws-sdk-go-v2/1.30.3',
      'karpenter.sh',
    ],
    ['a person at the console', user('alice'), 'console.amazonaws.com', null],
    ['a person through the EC2 console', user('alice'), 'console.ec2.amazonaws.com', null],
    ['a person signing in', user('alice', { invokedBy: 'signin.amazonaws.com' }), null, null],
    [
      'a person in Session Manager',
      user('alice', { invokedBy: 'ssm.amazonaws.com' }),
      'ssm.amazonaws.com',
      null,
    ],
    ['a person with the CLI', user('alice'), 'aws-cli/2.15.0 Python/3.11.6', null],
    [
      'a user agent that only mentions a service',
      user('alice'),
      'Boto3/1.34 autoscaling.amazonaws.com',
      null,
    ],
    ['AWS Internal', user('alice', { invokedBy: 'AWS Internal' }), 'AWS Internal', null],
  ])('%s', (_what, identity, userAgent, expected) => {
    expect(serviceBehind(resolveActor(identity).actor, userAgent)).toBe(expected);
  });
});

describe('readTags', () => {
  it.each([
    [
      "RunInstances' tagSpecificationSet, instance specs only",
      {
        tagSpecificationSet: {
          items: [
            { resourceType: 'volume', tags: [{ key: 'v', value: '1' }] },
            { resourceType: 'instance', tags: [{ key: 'aws:autoscaling:groupName', value: 'web' }] },
          ],
        },
      },
      { 'aws:autoscaling:groupName': 'web' },
    ],
    ['a response tagSet', { tagSet: { items: [{ key: 'a', value: 'b' }] } }, { a: 'b' }],
    [
      "Auto Scaling's tags list",
      { tags: [{ key: 'eks:nodegroup-name', value: 'ng', propagateAtLaunch: true }] },
      { 'eks:nodegroup-name': 'ng' },
    ],
    [
      "EKS's tags map",
      { tags: { team: 'data', 'eks:cluster-name': 'prod' } },
      { team: 'data', 'eks:cluster-name': 'prod' },
    ],
    [
      "EC2 Fleet's TagSpecification as one object",
      {
        TagSpecification: {
          ResourceType: 'instance',
          Tag: { Key: 'karpenter.sh/nodepool', Value: 'default' },
        },
      },
      { 'karpenter.sh/nodepool': 'default' },
    ],
    [
      "EC2 Fleet's TagSpecification as a list",
      {
        TagSpecification: [
          {
            ResourceType: 'instance',
            Tag: [
              { Key: 'a', Value: '1' },
              { Key: 'b', Value: '2' },
            ],
          },
        ],
      },
      { a: '1', b: '2' },
    ],
    ['a tag with no value', { tags: [{ key: 'flag' }] }, { flag: '' }],
    ['nothing that is tags', { tags: 'web', tagSet: null }, {}],
  ])('%s', (_what, source, expected) => {
    expect(readTags(source)).toEqual(expected);
  });
});

describe('resourcesInTags', () => {
  it('lists the resources innermost first', () => {
    const refs = resourcesInTags({
      'aws:cloudformation:stack-id': `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/StackSet-base-0f1e2d3c-aaaa-bbbb-cccc-123456789012/uuid`,
      'elasticbeanstalk:environment-name': 'web-prod',
      'elasticbeanstalk:environment-id': 'e-abc123',
      'aws:elasticmapreduce:job-flow-id': 'j-ABCDEFGH1234',
      'eks:nodegroup-name': 'workers',
      'aws:autoscaling:groupName': 'asg',
      'karpenter.sh/provisioner-name': 'old',
      'aws:ec2spot:fleet-request-id': 'sfr-1',
      'aws:ec2:fleet-id': 'fleet-1',
    });
    expect(refs).toEqual([
      { type: 'ec2-fleet', id: 'fleet-1' },
      { type: 'spot-fleet', id: 'sfr-1' },
      { type: 'karpenter-nodepool', id: 'old' },
      { type: 'auto-scaling-group', id: 'asg' },
      // No eks:cluster-name tag: the cluster is unknown.
      { type: 'eks-nodegroup', id: '?/workers' },
      { type: 'beanstalk-environment', id: 'web-prod' },
      { type: 'beanstalk-environment', id: 'e-abc123' },
      { type: 'emr-cluster', id: 'j-ABCDEFGH1234' },
      { type: 'cloudformation-stack', id: 'StackSet-base-0f1e2d3c-aaaa-bbbb-cccc-123456789012' },
      { type: 'cloudformation-stackset', id: 'base' },
    ]);
    expect(
      resourcesInTags({ 'aws:cloudformation:stack-name': 'app', 'karpenter.sh/nodepool': 'np' }),
    ).toEqual([
      { type: 'karpenter-nodepool', id: 'np' },
      { type: 'cloudformation-stack', id: 'app' },
    ]);
  });
});

describe('viaOf', () => {
  const refs = [
    { type: 'ec2-fleet', id: 'fleet-1' },
    { type: 'auto-scaling-group', id: 'asg' },
  ] as const;
  it.each([
    [
      'the resource of the service own kind',
      'autoscaling.amazonaws.com',
      refs,
      { resourceType: 'auto-scaling-group', resourceId: 'asg' },
    ],
    [
      'its kind, unnamed, when the tags do not name one',
      'cloudformation.amazonaws.com',
      refs,
      { resourceType: 'cloudformation-stack', resourceId: null },
    ],
    [
      'the innermost resource for a service of no known kind',
      'ssm-guiconnect.amazonaws.com',
      refs,
      { resourceType: 'ec2-fleet', resourceId: 'fleet-1' },
    ],
    [
      'other, unnamed, when nothing is known',
      'unknown.amazonaws.com',
      [],
      { resourceType: 'other', resourceId: null },
    ],
  ])('%s', (_what, service, list, expected) => {
    expect(viaOf(service, list)).toEqual({ service, ...expected });
  });

  it('knows the resource kind of every service that launches', () => {
    expect(
      [
        'autoscaling.amazonaws.com',
        'cloudformation.amazonaws.com',
        'eks.amazonaws.com',
        'eks-nodegroup.amazonaws.com',
        'ec2fleet.amazonaws.com',
        'spotfleet.amazonaws.com',
        'spot.amazonaws.com',
        'elasticbeanstalk.amazonaws.com',
        'elasticmapreduce.amazonaws.com',
        'karpenter.sh',
      ].map(resourceTypeOf),
    ).toEqual([
      'auto-scaling-group',
      'cloudformation-stack',
      'eks-nodegroup',
      'eks-nodegroup',
      'ec2-fleet',
      'spot-fleet',
      'spot-request',
      'beanstalk-environment',
      'emr-cluster',
      'karpenter-nodepool',
    ]);
  });
});
