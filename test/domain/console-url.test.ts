/**
 * Console links for every partition. The hosts are AWS's: the regional console endpoints of the
 * aws partition (AWS General Reference, "AWS Management Console endpoints"), console.amazonaws.cn
 * for China and console.amazonaws-us-gov.com for GovCloud; the isolated partitions have no
 * public console, so no link.
 */

import { consoleUrl } from '../../lambda/domain/console-url';
import { partitionOfRegion } from '../../lambda/domain/partition';

describe('console links', () => {
  it.each([
    ['eu-west-1', 'https://eu-west-1.console.aws.amazon.com/ec2/home'],
    ['cn-north-1', 'https://console.amazonaws.cn/ec2/home'],
    ['us-gov-west-1', 'https://console.amazonaws-us-gov.com/ec2/home'],
    ['us-iso-east-1', null],
    ['eusc-de-east-1', null],
  ])('in %s: %s', (region, url) => {
    expect(consoleUrl(region, 'ec2/home')).toBe(url);
  });

  it('takes a path with or without its leading slash', () => {
    expect(consoleUrl('eu-west-1', '/ec2/home')).toBe('https://eu-west-1.console.aws.amazon.com/ec2/home');
  });

  it('agrees with aws-cdk-lib on the partition of every region it knows', () => {
    // aws-cdk-lib's region facts are the reference: the prefixes must name the same partition.
    const { RegionInfo } =
      jest.requireActual<typeof import('aws-cdk-lib/region-info')>('aws-cdk-lib/region-info');
    const disagreeing = RegionInfo.regions
      .filter((r) => r.partition !== undefined && partitionOfRegion(r.name) !== r.partition)
      .map((r) => `${r.name}: ${r.partition} vs ${partitionOfRegion(r.name)}`);
    expect(disagreeing).toEqual([]);
  });
});
