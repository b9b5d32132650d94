/**
 * Remediation (the policy's `remediation`): every launch that breaks a rule with `remediate` is
 * planned for; in enforce mode the recording functions mark the instance and schedule its stop,
 * and the remediation function stops it at the deadline. Runtime: lambda/features/remediation/
 * (at launch) and lambda/remediation/ (at the deadline).
 */

import { CfnOutput, Stack } from 'aws-cdk-lib';
import { remediationSettingsOf } from '../../../lambda/domain/remediation/settings';
import type { SCHEDULING_SETTINGS } from '../../../lambda/features/remediation/contract';
import { writesLegacyKeys } from '../../../lambda/schema/table-definition';
import type { GroupInput } from '../../../lambda/settings/group';
import { STACK_OUTPUTS } from '../../stack-outputs';
import type { Ec2TrailFeature, FeaturePart } from '../feature';
import { Remediation, remediationAlarms, remediationWidget } from './remediation';

/** Remediation's part: in enforce mode, with the schedules and the remediation function. */
export interface RemediationPart extends FeaturePart {
  /** The schedules and the remediation function. @default undefined: a dry run has none */
  readonly enforcement?: Remediation;
}

/** Remediation's CDK part: in enforce mode the schedules and the remediation function, and their alarms. */
export const remediation: Ec2TrailFeature<RemediationPart> = {
  name: 'remediation',
  attach: (core) => {
    const settings = remediationSettingsOf(core.policy);
    if (settings === null) return null;
    new CfnOutput(core.scope, STACK_OUTPUTS.remediationMode, {
      value: settings.mode,
      description: 'How the policy remediates (doctor checks the launcher opt-out SCP when it is enforce)',
    });
    // A dry run plans and says so in the alert; it needs the home account and nothing else.
    if (settings.mode !== 'enforce') return { environment: (fn) => ({ HOME_ACCOUNT: Stack.of(fn).account }) };
    const enforcement = new Remediation(core.scope, 'Remediation', {
      policy: core.policy,
      settings,
      table: core.table,
      topic: core.topic,
      logRetention: core.logRetention,
      regions: core.regions,
      chatNotifications: core.config.chat !== undefined,
      legacyKeys: writesLegacyKeys(core.config.tableMove?.step),
    });
    return {
      enforcement,
      build: { enforce: true },
      environment: (fn) => {
        const scheduling: GroupInput<typeof SCHEDULING_SETTINGS> = {
          SCHEDULE_GROUP: enforcement.scheduleGroup.ref,
          REMEDIATION_FUNCTION_ARN: enforcement.function.functionArn,
          SCHEDULER_ROLE_ARN: enforcement.schedulerRole.roleArn,
          SCHEDULE_DLQ_ARN: enforcement.deadLetters.queue.queueArn,
        };
        return { HOME_ACCOUNT: Stack.of(fn).account, ...scheduling };
      },
      grant: (role) => enforcement.grantScheduling(role),
      monitor: (monitoring) => {
        monitoring.addAlarms(remediationAlarms(enforcement));
        monitoring.addWidgets(remediationWidget());
      },
    };
  },
};
