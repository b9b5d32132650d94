/**
 * Links to the AWS Management Console, for every partition that has a public console: the one
 * place alerts, alarm notifications and the stack's outputs build them.
 */

import { type Partition, partitionOfRegion } from './partition';

/** The console's host in each partition; the isolated ones have consoles on networks of their own. */
const HOSTS: Record<Partition, ((region: string) => string) | null> = {
  aws: (region) => `${region}.console.aws.amazon.com`,
  'aws-cn': () => 'console.amazonaws.cn',
  'aws-us-gov': () => 'console.amazonaws-us-gov.com',
  'aws-iso': null,
  'aws-iso-b': null,
  'aws-iso-e': null,
  'aws-iso-f': null,
  'aws-eusc': null,
};

/**
 * The console's address for `path` in `region`: the regional host in the aws partition (as AWS
 * lists them), the partition's own host in China and GovCloud; null where no public console is.
 */
export function consoleUrl(region: string, path: string): string | null {
  const host = HOSTS[partitionOfRegion(region)];
  return host === null ? null : `https://${host(region)}/${path.replace(/^\//, '')}`;
}
