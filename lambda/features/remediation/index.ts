/**
 * Remediation of launches that break a rule with `remediate`: planned for every such launch, and
 * in enforce mode acted on (the instance marked, its stop scheduled). It runs under the launch
 * alert's claim, just before the alert is published, so the alert says what will happen and a
 * redelivery does not act again. A dry run builds no EC2 or Scheduler client and has no permission.
 */

import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { homeAccountEc2 } from '../../adapters/ec2-clients';
import { Ec2InstanceActions } from '../../adapters/ec2-instance-actions';
import { SchedulerStopScheduler } from '../../adapters/scheduler-stop-scheduler';
import { withRemediation } from '../../domain/remediation/alert';
import { remediationSettingsOf } from '../../domain/remediation/settings';
import type { LaunchActionFactory } from '../../pipeline/launch-action';
import { Remediator } from '../../remediation/remediator';
import { ec2Client } from '../../runtime/clients';
import type { FeatureContext, RuntimeFeature } from '../feature';
import { readScheduling as schedulingOf } from './contract';

/** CreateSchedule: the SDK's standard retries ride out a throttle. */
const SCHEDULER_ATTEMPTS = 3;

/** The launch action: the launch's own alert is remediated, and says what remediation did. */
export function remediationAction(remediator: Remediator): LaunchActionFactory {
  return () => ({
    async beforeAlert({ about, violations, launch }) {
      if (!launch) return null;
      const outcome = await remediator.remediate(about, violations);
      return outcome ? (message) => withRemediation(message, outcome) : null;
    },
  });
}

export const remediation: RuntimeFeature = {
  name: 'remediation',
  built: () => ({ enforce: EC2TRAIL_BUILD.enforce }),
  problems({ env, settings, policy }, build) {
    const { value, problems } = schedulingOf(env);
    return [
      ...problems,
      ...(remediationSettingsOf(policy) !== null && settings.homeAccount === null
        ? ['HOME_ACCOUNT: remediation acts in the home account only, and it is not set']
        : []),
      ...(build.enforce === true && value === null && problems.length === 0
        ? ['SCHEDULE_GROUP: the policy remediates in enforce mode, and the schedule settings are not set']
        : []),
    ];
  },
  action(context) {
    const settings = remediationSettingsOf(context.policy);
    const home = context.settings.homeAccount;
    if (settings === null || home === null) return null;
    return remediationAction(
      new Remediator({
        settings,
        homeAccount: home,
        ...(EC2TRAIL_BUILD.enforce ? enforcement(home, context) : {}),
        store: context.store,
        logger: context.logger,
        metrics: context.metrics,
        clock: () => new Date(),
        ingestedBy: context.ingestedBy,
        retentionDays: context.settings.retentionDays,
      }),
    );
  },
};

/** Enforce mode's adapters: the home account's EC2 and the stop schedules. */
function enforcement(home: string, context: FeatureContext) {
  const scheduling = schedulingOf(context.env).value;
  if (scheduling === null) return {};
  return {
    actions: new Ec2InstanceActions(homeAccountEc2(home, (region) => ec2Client(region))),
    scheduler: new SchedulerStopScheduler(
      new SchedulerClient({ maxAttempts: SCHEDULER_ATTEMPTS }),
      scheduling,
    ),
  };
}
