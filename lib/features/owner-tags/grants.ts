import { Stack, Token, Validations } from 'aws-cdk-lib';
import { Effect, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { OwnerTagSettings } from '../../../lambda/domain/owner-tags';

/** The owner-tag role's name in every member account: the function builds its ARN from the event's account. */
export const MEMBER_OWNER_TAG_ROLE = 'ec2trail-owner-tagger';

/** The resource types owner tags go on; CreateTags on anything else is not allowed. */
export const OWNER_TAG_RESOURCE_TYPES = ['instance', 'volume', 'network-interface'] as const;

/**
 * Lets the role write the owner tags and nothing else: `ec2:CreateTags` on instances, volumes and
 * network interfaces of this account in the watched regions, only with the configured keys. With
 * `overwrite` off, a deny per key refuses CreateTags on a resource that already has that key, so
 * no bug in the function can replace a team's own `Owner` tag.
 */
export function grantOwnerTagging(role: IRole, settings: OwnerTagSettings, regions: readonly string[]): void {
  const stack = Stack.of(role);
  const keys = Object.keys(settings.tags);
  const resources = regions.flatMap((region) =>
    OWNER_TAG_RESOURCE_TYPES.map((type) =>
      stack.formatArn({ service: 'ec2', region, resource: type, resourceName: '*' }),
    ),
  );
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'WriteOwnerTags',
      actions: ['ec2:CreateTags'],
      resources,
      conditions: {
        'ForAllValues:StringEquals': { 'aws:TagKeys': keys },
        // ForAllValues holds for a request without tags; CreateTags always has some, but say so.
        Null: { 'aws:TagKeys': 'false' },
      },
    }),
  );
  if (!settings.overwrite) {
    keys.forEach((key, index) => {
      role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: `KeepExistingOwnerTag${index}`,
          effect: Effect.DENY,
          actions: ['ec2:CreateTags'],
          resources,
          conditions: {
            'ForAnyValue:StringEquals': { 'aws:TagKeys': [key] },
            Null: { [`aws:ResourceTag/${key}`]: 'false' },
          },
        }),
      );
    });
  }
  const literal = (arn: string) =>
    Token.isUnresolved(arn)
      ? arn
          .replace(/\$\{Token\[AWS\.Partition\.\d+\]\}/g, '<AWS::Partition>')
          .replace(/\$\{Token\[AWS\.AccountId\.\d+\]\}/g, '<AWS::AccountId>')
          .replace(/\$\{Token\[AWS\.Region\.\d+\]\}/g, '<AWS::Region>')
      : arn;
  for (const arn of resources) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${literal(arn)}]`,
      reason:
        'Owner tags go on instances launched at any time, whose ids are not known at deploy; CreateTags is limited to the configured keys, to this account and the watched regions, and (without overwrite) to resources that lack the key.',
    });
  }
}

/**
 * Lets the role assume the owner-tag role of the organization's member accounts, and no other
 * role: the name is fixed, the account is any (members join after deploy), and
 * `aws:ResourceOrgID` keeps it inside this organization.
 */
export function grantMemberTagging(role: IRole, organizationId: string): void {
  const partition = Stack.of(role).partition;
  const arn = (p: string) => `arn:${p}:iam::*:role/${MEMBER_OWNER_TAG_ROLE}`;
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'AssumeMemberOwnerTagRole',
      actions: ['sts:AssumeRole'],
      resources: [arn(partition)],
      conditions: { StringEquals: { 'aws:ResourceOrgID': organizationId } },
    }),
  );
  Validations.of(role).acknowledge({
    id: `AwsSolutions::AwsSolutions-IAM5[Resource::${arn(Token.isUnresolved(partition) ? '<AWS::Partition>' : partition)}]`,
    reason:
      "The member accounts' owner-tag role has one fixed name; the accounts are the organization's, which join after deploy, so the account is a wildcard held to this organization by aws:ResourceOrgID.",
  });
}
