import { CfnParameter } from 'aws-cdk-lib';
import { AccountPrincipal, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

import { MEMBER_INVENTORY_ROLE } from '../../../lambda/inventory/member-accounts';

export { MEMBER_INVENTORY_ROLE };

/** The member template's parameter, filled in by the StackSet from the home stack. */
export const MEMBER_READER_PARAMETERS = { readerArns: 'InventoryReaderArns' } as const;

/** What the inventory reads in a member account: its instances, its Event history, Spot prices. */
export const MEMBER_READ_ACTIONS = [
  'ec2:DescribeInstances',
  'ec2:DescribeRegions',
  'ec2:DescribeSpotPriceHistory',
  'cloudtrail:LookupEvents',
] as const;

/** Whom a member account's reader role trusts. */
export interface MemberInventoryReaderRoleProps {
  readonly homeAccount: string;
  readonly organizationId: string;
}

/**
 * The role the home inventory function assumes to list a member account's instances. It may be
 * assumed only by that function's role and the readers the config names (`aws:PrincipalArn`),
 * from the same organization (`aws:PrincipalOrgID`), and it can only read: instances, regions,
 * Spot prices, Event history.
 */
export class MemberInventoryReaderRole extends Construct {
  public readonly role: Role;

  constructor(scope: Construct, id: string, props: MemberInventoryReaderRoleProps) {
    super(scope, id);
    const readers = new CfnParameter(scope, MEMBER_READER_PARAMETERS.readerArns, {
      type: 'CommaDelimitedList',
      description:
        "The ARNs of the home inventory function's role and of the readers the config names: the only principals allowed in",
    });
    this.role = new Role(this, 'Role', {
      roleName: MEMBER_INVENTORY_ROLE,
      description: "ec2trail: lets the home inventory function list this account's instances (read-only)",
      assumedBy: new AccountPrincipal(props.homeAccount).withConditions({
        StringEquals: { 'aws:PrincipalOrgID': props.organizationId },
        // ArnLike: a reader may be a pattern (an IAM Identity Center role's path and suffix).
        ArnLike: { 'aws:PrincipalArn': readers.valueAsList },
      }),
    });
    // These calls take no resource: IAM accepts only "*" for them. All of them only read.
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...MEMBER_READ_ACTIONS], resources: ['*'] }),
    );
  }
}
