import { attribute } from '../../lambda/domain';
import { loadJson, recordsOf } from '../helpers/fixtures';

describe('launch details', () => {
  it('reads type, image, network, tags, template and IMDS from a CLI launch', () => {
    const [record] = recordsOf('events/runinstances-iamuser-cli.json');
    expect(record?.launch).toEqual({
      instanceType: 't3.micro',
      imageId: 'ami-0abcdef1234567890',
      keyName: 'ops-key',
      subnetId: 'subnet-0a1b2c3d4e5f60718',
      vpcId: 'vpc-0fedcba9876543210',
      availabilityZone: 'eu-west-1a',
      privateIpAddress: '10.0.1.10',
      minCount: 2,
      maxCount: 2,
      instanceCount: 2,
      instanceIdsUnknown: false,
      tags: { Name: 'web-1', Owner: 'alice', CostCenter: 'cc-1234', Environment: 'staging' },
      launchTemplate: { id: 'lt-0123456789abcdef0', name: null, version: '3' },
      marketType: null,
      spotOptions: null,
      httpTokens: 'required',
      associatePublicIp: null,
      ebsEncrypted: true,
      unencryptedVolumes: [],
      autoScalingGroup: null,
      clientToken: 'token-11111111-aaaa-4bbb-8ccc-000000000001',
      fleet: false,
      iamInstanceProfile: null,
      // The response names no network interface or volume; the request tags volumes with one key.
      createdWith: { networkInterfaces: [], volumes: [] },
      tagKeysAtLaunch: { volume: ['VolumeOnly'], networkInterface: [] },
    });
  });

  it('flags a public IP, IMDSv1 and an unencrypted volume', () => {
    const [record] = recordsOf('events/runinstances-root-console.json');
    expect(record?.launch).toMatchObject({
      instanceType: 'p5.48xlarge',
      associatePublicIp: true,
      httpTokens: 'optional',
      ebsEncrypted: false,
      unencryptedVolumes: ['/dev/xvda'],
      instanceCount: 3,
    });
  });

  it('reads the Auto Scaling group and spot market', () => {
    const [record] = recordsOf('events/runinstances-autoscaling-spot.json');
    expect(record?.launch).toMatchObject({
      autoScalingGroup: 'web-asg',
      marketType: 'spot',
      spotOptions: { spotInstanceType: 'one-time', instanceInterruptionBehavior: 'terminate' },
    });
  });

  it('marks EC2 Fleet launches by their client token', () => {
    const [record] = recordsOf('events/runinstances-ec2fleet.json');
    expect(record?.launch?.fleet).toBe(true);
  });

  it('keeps the requested details of a launch that failed', () => {
    const [record] = recordsOf('events/runinstances-unauthorized-federated.json');
    expect(record?.launch).toMatchObject({ instanceType: 'x2iedn.32xlarge', instanceCount: 0, vpcId: null });
  });

  it('reads the tags the instance got from the response, launch template tags included', () => {
    const event = loadJson('events/runinstances-iamuser-cli.json') as { requestParameters: object };
    // A launch from a template whose tags the request does not repeat: only the response has them.
    const fromTemplate = JSON.parse(
      JSON.stringify(event).replace(
        /"tagSpecificationSet":\{"items":\[.*?\]\}\]\}/,
        '"tagSpecificationSet":{"items":[]}',
      ),
    );
    expect(JSON.stringify(fromTemplate.requestParameters)).not.toContain('Owner');
    const result = attribute(fromTemplate);
    if (result.kind !== 'records') throw new Error('skipped');
    expect(result.records[0]?.launch?.tags).toEqual({
      Name: 'web-1',
      Owner: 'alice',
      CostCenter: 'cc-1234',
      Environment: 'staging',
    });
  });

  it('counts a launch whose response CloudTrail omitted from the request, and says the ids are unknown', () => {
    // The fixture asks for minCount 2, maxCount 2; CloudTrail wrote "omitted": true.
    const records = recordsOf('damaged/launch-response-omitted.json');
    expect(records).toHaveLength(1);
    expect(records[0]?.instanceId).toBeNull();
    expect(records[0]?.launch).toMatchObject({ instanceCount: 2, instanceIdsUnknown: true });
    expect(records[0]?.warnings).toContain(
      'responseElements omitted by CloudTrail; launched instance ids are unknown',
    );
  });

  it('has no launch details for other actions', () => {
    const [record] = recordsOf('events/stopinstances-awsservice.json');
    expect(record?.launch).toBeNull();
  });
});
