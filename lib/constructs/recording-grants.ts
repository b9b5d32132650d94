import { CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { ALERT_PREFIX, ATTRIBUTION_TABLE, QUOTA_PREFIX } from '../../lambda/schema/attribution-table';
import { LINK_ATTRIBUTES } from '../../lambda/schema/lineage-items';

/**
 * What a function that records events needs, and nothing more: put and read rows, update only
 * alert markers, launch counts and lineage links, and publish alerts. Shared by the attribution
 * function and the trail-file function, so the two paths can never drift apart in rights.
 */
export function grantRecording(role: Role, table: ITable, topic: ITopic): void {
  // Put rows and alert markers (always with a condition on the key), read for the policy's lookups.
  table.grant(role, 'dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Query');
  // Update and delete only alert markers and launch counts: IAM never lets the function remove an
  // attribution row. (Counts are updated inside a transaction, which IAM checks per item.) A put
  // could replace a row: no IAM condition forces it to be conditional, so the code writes every
  // row with attribute_not_exists.
  role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      resources: [table.tableArn],
      conditions: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${ALERT_PREFIX}*`, `${QUOTA_PREFIX}*`] },
      },
    }),
  );
  // Links of service calls to their causes, filled in when a cause arrives late: only the
  // link attributes may change, so no other field of a row can ever be rewritten.
  role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['dynamodb:UpdateItem'],
      resources: [table.tableArn],
      conditions: {
        'ForAllValues:StringEquals': {
          'dynamodb:Attributes': [
            ATTRIBUTION_TABLE.partitionKey,
            ATTRIBUTION_TABLE.sortKey,
            ...LINK_ATTRIBUTES,
          ],
        },
      },
    }),
  );
  topic.grantPublish(role);

  const tableResource = table.node.defaultChild;
  if (tableResource instanceof CfnElement) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${Stack.of(role).getLogicalId(tableResource)}.Arn>/index/*]`,
      reason:
        "The Query lookups read the table's own indexes; the wildcard is the index name, under this table only.",
    });
  }
  Validations.of(role).acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
    reason:
      'SNS needs kms:GenerateDataKey* on the topic key to encrypt a published message; the statement is scoped to that one key.',
  });
}
