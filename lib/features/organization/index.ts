/**
 * The organization (config `organization`): member accounts may put events on the home bus, and
 * a service-managed StackSet gives every member account the forwarder in every region, with what
 * other features add there (`FeaturePart.member`).
 */

import { CfnOutput } from 'aws-cdk-lib';
import { actionGroups, homeBusArnOf } from '../../config';
import { STACK_OUTPUTS } from '../../stack-outputs';
import type { Ec2TrailFeature, FeaturePart } from '../feature';
import { MemberForwarders } from './member-forwarders';
import { OrganizationBusPolicy } from './organization-bus-policy';

/** The organization's part: the bus policy, and the StackSet once the core is built. */
export interface OrganizationPart extends FeaturePart {
  readonly busPolicy: OrganizationBusPolicy;
  /** Absent until complete. */
  readonly forwarders: () => MemberForwarders | undefined;
}

/** The organization's CDK part: the bus policy and the member accounts' StackSet. */
export const organization: Ec2TrailFeature<OrganizationPart> = {
  name: 'organization',
  attach: ({ config, scope }) => {
    const { organization, account, region } = config;
    // Both are needed: the StackSet must know which account not to touch, and where home is.
    if (!organization || !account || !region) return null;
    const busPolicy = new OrganizationBusPolicy(scope, 'OrganizationBus', {
      organizationId: organization.id,
    });
    let forwarders: MemberForwarders | undefined;
    return {
      busPolicy,
      forwarders: () => forwarders,
      complete: (built) => {
        const roles = [
          built.attribution.role,
          ...built.parts.flatMap((part) => part.recordingRoles?.() ?? []),
        ];
        forwarders = new MemberForwarders(built.scope, 'MemberForwarders', {
          homeBusArn: homeBusArnOf(account, region),
          actionGroups: actionGroups(config),
          organizationalUnits: organization.organizationalUnits,
          regions: config.regions ?? [region],
          homeAccount: account,
          callAs: organization.callAs,
          homeRegion: region,
          parts: built.parts.flatMap((part) => (part.member ? [part.member(roles)] : [])),
        });
        new CfnOutput(built.scope, STACK_OUTPUTS.stackSetName, {
          value: forwarders.stackSet.attrStackSetId,
          description: 'Member forwarders StackSet',
        });
      },
    };
  },
};
