/**
 * What a pipeline does to launched instances besides recording them: owner tags, remediation,
 * violation events and Security Hub findings. Shared by the attribution function and the
 * trail-file function, so an event the live path missed and the trail path recovers is acted on
 * the same way.
 *
 * Each client is built behind a build constant (`EC2TRAIL_BUILD.*`), so a bundle without owner
 * tags carries no EC2 or STS client, a dry run no Scheduler client, and so on.
 */

import { Ec2InstanceActions } from '../adapters/ec2-instance-actions';
import { Ec2OwnerTagger, homeAccountEc2 } from '../adapters/ec2-owner-tagger';
import { EventBridgeViolationBus } from '../adapters/eventbridge-violation-bus';
import { memberAccountEc2 } from '../adapters/member-account-ec2';
import { SchedulerStopScheduler } from '../adapters/scheduler-stop-scheduler';
import { SecurityHubFindingSink } from '../adapters/securityhub-finding-sink';
import type { Policy } from '../domain/policy/schema';
import { remediationSettingsOf } from '../domain/remediation/settings';
import { securityHubFindings } from '../findings/finding-reporter';
import type { HandlerDeps } from '../handler';
import type { SentAlertLookup } from '../ports';
import { Remediator } from '../remediation/remediator';
import type { IngestedBy } from '../schema/attribution-table';
import '../settings/build';
import { type RecordingSettings, SettingsError } from '../settings/functions';
import { ec2Client, eventBridgeClient, schedulerClient, securityHubClient, stsClient } from './clients';

/** What the launch actions are built from: the function's settings and its shared adapters. */
export interface LaunchActionContext {
  readonly settings: RecordingSettings;
  /** The deploy's policy, as checked at cold start. */
  readonly policy: Policy;
  readonly ingestedBy: IngestedBy;
  readonly store: HandlerDeps['store'];
  /** The alert markers, read to archive the findings of a terminated instance's launch. */
  readonly alerts: SentAlertLookup;
  readonly logger: HandlerDeps['logger'];
  readonly metrics: HandlerDeps['metrics'];
}

/** The home account, which owner tags and remediation need (the settings check makes sure it is set). */
function homeOf(settings: RecordingSettings): string {
  if (settings.homeAccount === null)
    throw new SettingsError('Invalid Lambda environment: HOME_ACCOUNT: owner tags and remediation need it');
  return settings.homeAccount;
}

/** Where owner tags are written: the home account, and the member accounts when the deploy has their role. */
function ownerTagClients(settings: RecordingSettings) {
  const member = settings.memberTagging;
  if (!member) return homeAccountEc2(homeOf(settings), (region) => ec2Client(region));
  return memberAccountEc2({
    homeAccount: homeOf(settings),
    role: member,
    sts: stsClient(),
    make: (region, credentials) => ec2Client(region, credentials),
  });
}

/** Remediation's adapters: in enforce mode only; a dry run gets no client and no permission. */
function enforcement(settings: RecordingSettings) {
  const scheduling = settings.scheduling;
  if (scheduling === null)
    throw new SettingsError(
      'Invalid Lambda environment: SCHEDULE_GROUP: enforce mode needs the schedule settings',
    );
  return {
    actions: new Ec2InstanceActions(homeAccountEc2(homeOf(settings), (region) => ec2Client(region))),
    scheduler: new SchedulerStopScheduler(schedulerClient(), scheduling),
  };
}

/** The handler's `ownerTags`, `remediator`, `violationBus` and `securityHub`, as the deploy configured them (none when it did not). */
export function launchActions(
  context: LaunchActionContext,
): Pick<HandlerDeps, 'ownerTags' | 'remediator' | 'violationBus' | 'securityHub'> {
  const { settings } = context;
  const remediation = remediationSettingsOf(context.policy);
  return {
    ...(EC2TRAIL_BUILD.violationEvents
      ? {
          violationBus: new EventBridgeViolationBus(eventBridgeClient()),
        }
      : {}),
    ...(EC2TRAIL_BUILD.securityHub && settings.securityHub
      ? {
          securityHub: securityHubFindings({
            sink: new SecurityHubFindingSink(securityHubClient()),
            target: settings.securityHub,
            alerts: context.alerts,
          }),
        }
      : {}),
    // The build constant itself in the condition: esbuild folds it and drops the EC2 and STS clients.
    ...(EC2TRAIL_BUILD.ownerTags !== null
      ? {
          ownerTags: {
            settings: EC2TRAIL_BUILD.ownerTags,
            tagger: new Ec2OwnerTagger({
              clientFor: ownerTagClients(settings),
              overwrite: EC2TRAIL_BUILD.ownerTags.overwrite,
            }),
          },
        }
      : {}),
    ...(remediation !== null
      ? {
          remediator: new Remediator({
            settings: remediation,
            homeAccount: homeOf(settings),
            ...(EC2TRAIL_BUILD.enforce ? enforcement(settings) : {}),
            store: context.store,
            logger: context.logger,
            metrics: context.metrics,
            clock: () => new Date(),
            ingestedBy: context.ingestedBy,
            retentionDays: settings.retentionDays,
          }),
        }
      : {}),
  };
}
