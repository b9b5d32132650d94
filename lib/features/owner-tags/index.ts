/**
 * Owner tags (config `ownerTags`): the person behind a launch written as tags on what it
 * created, in the home account, and with `organization` in member accounts through their
 * owner-tag role (created by the member StackSet). Runtime: lambda/features/owner-tags/.
 */

import { Fn, Stack } from 'aws-cdk-lib';
import { ownerTagConflicts } from '../../../lambda/domain/reserved-tags';
import type { MEMBER_TAGGING_SETTINGS } from '../../../lambda/features/owner-tags/contract';
import { OWNER_TAG_METRICS } from '../../../lambda/features/owner-tags/contract';
import type { GroupInput } from '../../../lambda/settings/group';
import { actionFailureAlarm } from '../failure-alarm';
import type { Ec2TrailFeature } from '../feature';
import { grantMemberTagging, grantOwnerTagging, MEMBER_OWNER_TAG_ROLE } from './grants';
import { MEMBER_TAGGER_PARAMETERS, MemberOwnerTagRole } from './member-role';

/** Owner tags' CDK part: the tagging grants, the member role's settings and template part, the failure alarm. */
export const ownerTags: Ec2TrailFeature = {
  name: 'ownerTags',
  // Owner tags must not write a tag the policy reads: each config is valid alone.
  check: (config, policy) => ownerTagConflicts(Object.keys(config.ownerTags?.tags ?? {}), policy),
  attach: ({ config, regions, memberTagExternalId }) => {
    const settings = config.ownerTags;
    if (!settings) return null;
    const organization = config.organization;
    return {
      build: { ownerTags: settings },
      environment: (fn) => {
        const stack = Stack.of(fn);
        const member: GroupInput<typeof MEMBER_TAGGING_SETTINGS> | Record<string, never> = organization
          ? {
              MEMBER_TAG_ROLE: MEMBER_OWNER_TAG_ROLE,
              MEMBER_TAG_EXTERNAL_ID: memberTagExternalId,
              PARTITION: stack.partition,
            }
          : {};
        return { HOME_ACCOUNT: stack.account, ...member };
      },
      grant: (role) => {
        grantOwnerTagging(role, settings, regions);
        if (organization) grantMemberTagging(role, organization.id);
      },
      ...(organization && config.account
        ? {
            member: (recordingRoles) => {
              const homeAccount = config.account ?? '';
              return {
                id: 'OwnerTagRole',
                add: (stack) =>
                  new MemberOwnerTagRole(stack, 'OwnerTagRole', {
                    settings,
                    homeAccount,
                    organizationId: organization.id,
                    regions: config.regions ?? [config.region ?? Stack.of(stack).region],
                  }),
                // Both recording functions tag: the trail path's recovered events come from member accounts too.
                parameters: {
                  [MEMBER_TAGGER_PARAMETERS.taggerArns]: Fn.join(
                    ',',
                    recordingRoles.map((role) => role.roleArn),
                  ),
                  [MEMBER_TAGGER_PARAMETERS.externalId]: memberTagExternalId,
                },
              };
            },
          }
        : {}),
      monitor: (monitoring) =>
        monitoring.addAlarms([
          actionFailureAlarm(
            'OwnerTagFailures',
            OWNER_TAG_METRICS.failures,
            'owner tag failures',
            'owner tags could not be written on a launch',
          ),
        ]),
    };
  },
};
