/**
 * Security Hub findings (config `securityHub`): each alerted violation imported as a finding of
 * the account's own default product, archived when the instance is terminated. Runtime:
 * lambda/features/security-hub/.
 */

import { Stack } from 'aws-cdk-lib';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { productArnOf } from '../../../lambda/domain/security-hub/target';
import {
  SECURITY_HUB_METRICS,
  type SECURITY_HUB_SETTINGS,
} from '../../../lambda/features/security-hub/contract';
import type { GroupInput } from '../../../lambda/settings/group';
import { actionFailureAlarm } from '../failure-alarm';
import type { Ec2TrailFeature } from '../feature';

/** The deploy's own default product ARN: where an account imports its custom findings. */
export function securityHubProductArn(scope: Construct): string {
  const stack = Stack.of(scope);
  return productArnOf(stack.partition, stack.region, stack.account);
}

/**
 * BatchImportFindings on the account's default product ARN only: the role can report findings
 * as this account's custom integration, and cannot pose as another product or read findings.
 */
export function grantFindingImports(role: IRole): void {
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'ImportFindings',
      actions: ['securityhub:BatchImportFindings'],
      resources: [securityHubProductArn(role)],
    }),
  );
}

/** Security Hub's CDK part: the product ARN setting, the import grant, the failure alarm. */
export const securityHub: Ec2TrailFeature = {
  name: 'securityHub',
  attach: ({ config }) =>
    config.securityHub
      ? {
          build: { securityHub: true },
          environment: (fn): GroupInput<typeof SECURITY_HUB_SETTINGS> => ({
            SECURITY_HUB_PRODUCT_ARN: securityHubProductArn(fn),
          }),
          grant: grantFindingImports,
          monitor: (monitoring) =>
            monitoring.addAlarms([
              actionFailureAlarm(
                'FindingImportFailures',
                SECURITY_HUB_METRICS.failures,
                'finding import failures',
                'a finding could not be imported into or archived in Security Hub',
              ),
            ]),
        }
      : null,
};
