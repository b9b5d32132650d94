/**
 * What a pipeline does to launched instances besides recording them: owner tags and remediation.
 * Shared by the attribution function and the trail-file function, so an event the live path
 * missed and the trail path recovers is tagged and remediated the same way.
 *
 * The clients are built behind esbuild defines, tested here on the define itself, so a bundle
 * without owner tags carries no EC2 or STS client and a dry run carries no Scheduler client.
 */

import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { STSClient } from '@aws-sdk/client-sts';
import { Ec2InstanceActions } from '../adapters/ec2-instance-actions';
import { Ec2OwnerTagger, homeAccountEc2 } from '../adapters/ec2-owner-tagger';
import { EventBridgeViolationBus } from '../adapters/eventbridge-violation-bus';
import { memberAccountEc2 } from '../adapters/member-account-ec2';
import { SchedulerStopScheduler } from '../adapters/scheduler-stop-scheduler';
import { SecurityHubFindingSink } from '../adapters/securityhub-finding-sink';
import type { Policy } from '../domain/policy/schema';
import { remediationSettingsOf } from '../domain/remediation/settings';
import {
  readMemberTaggingEnvironment,
  readOwnerTagSettings,
  readSchedulingEnvironment,
  readSecurityHubEnvironment,
} from '../environment';
import { securityHubFindings } from '../findings/finding-reporter';
import type { HandlerDeps } from '../handler';
import type { SentAlertLookup } from '../ports';
import { Remediator } from '../remediation/remediator';
import type { IngestedBy } from '../schema/attribution-table';

/** The deploy's owner tag settings as JSON, or null (then the EC2 client is left out of the bundle). */
declare const __EC2TRAIL_OWNER_TAGS__: string | null;
/** True when the policy remediates in enforce mode: only then are the EC2 and Scheduler clients bundled. */
declare const __EC2TRAIL_ENFORCE__: boolean;
/** Whether violations are put on the default event bus: when false the EventBridge client is left out. */
declare const __EC2TRAIL_VIOLATION_EVENTS__: boolean;
/** Whether violations become Security Hub findings: when false the Security Hub client is left out. */
declare const __EC2TRAIL_SECURITY_HUB__: boolean;

export interface LaunchActionContext {
  readonly policy: Policy;
  readonly homeAccount: string | undefined;
  readonly retentionDays: number | undefined;
  readonly ingestedBy: IngestedBy;
  readonly env: Record<string, string | undefined>;
  readonly store: HandlerDeps['store'];
  /** The alert markers, read to archive the findings of a terminated instance's launch. */
  readonly alerts: SentAlertLookup;
  readonly logger: HandlerDeps['logger'];
  readonly metrics: HandlerDeps['metrics'];
}

/** Where owner tags are written: the home account, and the member accounts when the deploy has their role. */
function ownerTagClients(homeAccount: string, env: Record<string, string | undefined>) {
  const member = readMemberTaggingEnvironment(env);
  if (!member) return homeAccountEc2(homeAccount, (region) => new EC2Client({ region, maxAttempts: 1 }));
  return memberAccountEc2({
    homeAccount,
    role: {
      roleName: member.MEMBER_TAG_ROLE,
      externalId: member.MEMBER_TAG_EXTERNAL_ID,
      partition: member.PARTITION,
    },
    sts: new STSClient({ maxAttempts: 3 }),
    make: (region, credentials) =>
      new EC2Client({ region, maxAttempts: 1, ...(credentials ? { credentials } : {}) }),
  });
}

/** Remediation's adapters: in enforce mode only; a dry run gets no client and no permission. */
function enforcement(homeAccount: string, env: Record<string, string | undefined>) {
  const scheduling = readSchedulingEnvironment(env);
  return {
    actions: new Ec2InstanceActions(
      homeAccountEc2(homeAccount, (region) => new EC2Client({ region, maxAttempts: 1 })),
    ),
    scheduler: new SchedulerStopScheduler(new SchedulerClient({}), {
      groupName: scheduling.SCHEDULE_GROUP,
      functionArn: scheduling.REMEDIATION_FUNCTION_ARN,
      roleArn: scheduling.SCHEDULER_ROLE_ARN,
      deadLetterArn: scheduling.SCHEDULE_DLQ_ARN,
    }),
  };
}

/** The handler's `ownerTags`, `remediator`, `violationBus` and `securityHub`, as the deploy configured them (none when it did not). */
export function launchActions(
  context: LaunchActionContext,
): Pick<HandlerDeps, 'ownerTags' | 'remediator' | 'violationBus' | 'securityHub'> {
  const home = context.homeAccount ?? '';
  const ownerTagSettings =
    __EC2TRAIL_OWNER_TAGS__ === null ? null : readOwnerTagSettings(JSON.parse(__EC2TRAIL_OWNER_TAGS__));
  const remediation = remediationSettingsOf(context.policy);
  return {
    // Tested on the define itself, so esbuild drops the EventBridge client when the deploy turns it off.
    ...(__EC2TRAIL_VIOLATION_EVENTS__
      ? { violationBus: new EventBridgeViolationBus(new EventBridgeClient({ maxAttempts: 3 })) }
      : {}),
    // BatchImportFindings allows 10 requests a second: the SDK's retries ride out a burst.
    ...(__EC2TRAIL_SECURITY_HUB__
      ? {
          securityHub: securityHubFindings({
            sink: new SecurityHubFindingSink(new SecurityHubClient({ maxAttempts: 5 })),
            target: readSecurityHubEnvironment(context.env),
            alerts: context.alerts,
          }),
        }
      : {}),
    ...(__EC2TRAIL_OWNER_TAGS__ !== null && ownerTagSettings !== null
      ? {
          ownerTags: {
            settings: ownerTagSettings,
            tagger: new Ec2OwnerTagger({
              clientFor: ownerTagClients(home, context.env),
              overwrite: ownerTagSettings.overwrite,
            }),
          },
        }
      : {}),
    ...(remediation !== null
      ? {
          remediator: new Remediator({
            settings: remediation,
            homeAccount: home,
            ...(__EC2TRAIL_ENFORCE__ ? enforcement(home, context.env) : {}),
            store: context.store,
            logger: context.logger,
            metrics: context.metrics,
            clock: () => new Date(),
            ingestedBy: context.ingestedBy,
            retentionDays: context.retentionDays,
          }),
        }
      : {}),
  };
}
