import { CfnParameter } from 'aws-cdk-lib';
import { AccountPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { OwnerTagSettings } from '../../../lambda/domain/owner-tags';
import { grantOwnerTagging, MEMBER_OWNER_TAG_ROLE } from './grants';

export { MEMBER_OWNER_TAG_ROLE };

/** The member template's parameters, filled in by the StackSet from the home stack. */
export const MEMBER_TAGGER_PARAMETERS = {
  taggerArns: 'OwnerTaggerArns',
  externalId: 'OwnerTagExternalId',
} as const;

/** What a member account's owner-tag role may tag, and whom it trusts. */
export interface MemberOwnerTagRoleProps {
  readonly settings: OwnerTagSettings;
  readonly homeAccount: string;
  readonly organizationId: string;
  /** The regions whose instances the role may tag. */
  readonly regions: readonly string[];
}

/**
 * The role the home function assumes to write owner tags in a member account. It may be assumed
 * only by the home functions' own roles (`aws:PrincipalArn`), from the same organization
 * (`aws:PrincipalOrgID`), with the deploy's external id, and it may do what the home function's
 * own tagging grant allows, on this account's resources: CreateTags with the configured keys.
 */
export class MemberOwnerTagRole extends Construct {
  public readonly role: Role;

  constructor(scope: Construct, id: string, props: MemberOwnerTagRoleProps) {
    super(scope, id);
    const taggerArns = new CfnParameter(scope, MEMBER_TAGGER_PARAMETERS.taggerArns, {
      type: 'CommaDelimitedList',
      description:
        "The ARNs of the home functions' roles (attribution, trail files): the only principals allowed in",
    });
    const externalId = new CfnParameter(scope, MEMBER_TAGGER_PARAMETERS.externalId, {
      type: 'String',
      description: 'The external id the home function passes to AssumeRole',
      minLength: 16,
    });
    this.role = new Role(this, 'Role', {
      roleName: MEMBER_OWNER_TAG_ROLE,
      description: 'ec2trail: lets the home attribution function write owner tags on this account',
      assumedBy: new AccountPrincipal(props.homeAccount).withConditions({
        StringEquals: {
          'sts:ExternalId': externalId.valueAsString,
          'aws:PrincipalOrgID': props.organizationId,
        },
        ArnEquals: { 'aws:PrincipalArn': taggerArns.valueAsList },
      }),
    });
    grantOwnerTagging(this.role, props.settings, props.regions);
  }
}
