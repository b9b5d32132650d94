/**
 * Where findings go: the deploy's product ARN read into account, region and partition. Apart
 * from the finding builder so every function's environment can check the ARN without bundling
 * the builder.
 */

/** The partitions Security Hub findings name. */
export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

/** Where findings go: the deploy's account, region and partition, read from its product ARN. */
export interface FindingTarget {
  readonly productArn: string;
  readonly partition: Partition;
  readonly region: string;
  readonly account: string;
}

const PRODUCT_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):securityhub:([a-z0-9-]+):(\d{12}):product\/(\d{12})\/default$/;

/** The product ARN of custom findings in `account` (Security Hub's default product for each account). */
export function productArnOf(partition: string, region: string, account: string): string {
  return `arn:${partition}:securityhub:${region}:${account}:product/${account}/default`;
}

/** The target a product ARN names; null when it is not an account's default product ARN. */
export function findingTargetOf(productArn: string): FindingTarget | null {
  const match = PRODUCT_ARN.exec(productArn);
  if (!match || match[3] !== match[4]) return null;
  return {
    productArn,
    partition: match[1] as FindingTarget['partition'],
    region: match[2] as string,
    account: match[3] as string,
  };
}
