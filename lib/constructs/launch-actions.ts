import { Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { OwnerTagSettings } from '../../lambda/domain/owner-tags';
import { VIOLATION_SOURCE } from '../../lambda/domain/violation-event';
import type { BuildConstants } from '../../lambda/settings/build';
import type { SettingsInput } from '../../lambda/settings/functions';
import { METRIC } from '../../lambda/telemetry';
import { type AlarmSpec, appMetric } from '../monitoring/alarms';
import { grantMemberTagging, grantOwnerTagging, MEMBER_OWNER_TAG_ROLE } from './owner-tag-grants';
import type { Remediation } from './remediation';

/**
 * What a recording function does beyond recording: owner tags and remediation of launched
 * instances, and violations put on the event bus. The attribution function and the trail-file
 * function take the same, so an event either path records is acted on alike; each gets the
 * environment, the grants and the bundle defines.
 */
export interface LaunchActionsProps {
  /** Write owner tags on launched resources. @default undefined: no tags, no EC2 permission */
  readonly ownerTags?: OwnerTagSettings;
  /** Owner tags in the organization's member accounts too, through their owner-tag role. @default undefined: the home account only */
  readonly memberTagging?: { readonly organizationId: string; readonly externalId: string };
  /** The regions whose instances may be tagged. */
  readonly regions: readonly string[];
  /** The policy remediates (any mode): the function needs its home account to tell its own instances. */
  readonly remediates: boolean;
  /** Enforce mode: the function schedules stops through this. @default undefined: no schedules, no EC2 or Scheduler permission */
  readonly enforcement?: Remediation;
  /** Put each alerted violation on the default event bus (config `violationEvents`). @default false */
  readonly violationEvents?: boolean;
  /** Import each alerted violation into Security Hub as a finding (config `securityHub`). @default false */
  readonly securityHub?: boolean;
  /** Chat channels subscribe to the alert topic: alerts carry the chat notification too (config `chat`). @default false */
  readonly chatNotifications?: boolean;
}

/** The settings a recording function reads for its launch actions. */
export type LaunchActionSettings = Omit<
  SettingsInput<'trailFile'>,
  'TABLE_NAME' | 'TOPIC_ARN' | 'RETENTION_DAYS'
>;

/** The settings every recording function (live or trail-file) reads: its table, topic, retention and launch actions. */
export function recordingEnvironment(
  scope: Construct,
  props: {
    readonly table: ITable;
    readonly topic: ITopic;
    readonly retentionDays?: number | undefined;
    readonly launchActions?: LaunchActionsProps | undefined;
  },
): SettingsInput<'trailFile'> {
  return {
    TABLE_NAME: props.table.tableName,
    TOPIC_ARN: props.topic.topicArn,
    ...(props.retentionDays !== undefined ? { RETENTION_DAYS: String(props.retentionDays) } : {}),
    ...launchActionEnvironment(scope, props.launchActions),
  };
}

/** The launch actions' settings in a recording function's environment (lambda/settings/functions.ts). */
export function launchActionEnvironment(
  scope: Construct,
  props: LaunchActionsProps | undefined,
): LaunchActionSettings {
  if (!props) return {};
  const stack = Stack.of(scope);
  return {
    ...(props.chatNotifications ? { CHAT_NOTIFICATIONS: 'custom' } : {}),
    ...(props.securityHub ? { SECURITY_HUB_PRODUCT_ARN: securityHubProductArn(stack) } : {}),
    ...(props.ownerTags || props.remediates || props.enforcement ? { HOME_ACCOUNT: stack.account } : {}),
    ...(props.enforcement
      ? {
          SCHEDULE_GROUP: props.enforcement.scheduleGroup.ref,
          REMEDIATION_FUNCTION_ARN: props.enforcement.function.functionArn,
          SCHEDULER_ROLE_ARN: props.enforcement.schedulerRole.roleArn,
          SCHEDULE_DLQ_ARN: props.enforcement.deadLetters.queue.queueArn,
        }
      : {}),
    ...(props.ownerTags && props.memberTagging
      ? {
          MEMBER_TAG_ROLE: MEMBER_OWNER_TAG_ROLE,
          MEMBER_TAG_EXTERNAL_ID: props.memberTagging.externalId,
          PARTITION: stack.partition,
        }
      : {}),
  };
}

/**
 * The esbuild defines that keep the EC2, STS, Scheduler, EventBridge and Security Hub clients
 * out of bundles that need none, and put them in those that do.
 */
export function launchActionDefines(
  props: LaunchActionsProps | undefined,
): Pick<BuildConstants, 'ownerTags' | 'enforce' | 'violationEvents' | 'securityHub'> {
  return {
    ownerTags: props?.ownerTags ?? null,
    enforce: props?.enforcement !== undefined,
    violationEvents: props?.violationEvents === true,
    securityHub: props?.securityHub === true,
  };
}

/** The deploy's own default product ARN: where an account imports its custom findings. */
export function securityHubProductArn(stack: Stack): string {
  return `arn:${stack.partition}:securityhub:${stack.region}:${stack.account}:product/${stack.account}/default`;
}

/** The permissions the launch actions need, each limited as its grant says. */
export function grantLaunchActions(role: IRole, props: LaunchActionsProps | undefined): void {
  if (!props) return;
  if (props.ownerTags) grantOwnerTagging(role, props.ownerTags, props.regions);
  if (props.ownerTags && props.memberTagging) grantMemberTagging(role, props.memberTagging.organizationId);
  props.enforcement?.grantScheduling(role);
  if (props.violationEvents) grantViolationEvents(role);
  if (props.securityHub) grantFindingImports(role);
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
      resources: [securityHubProductArn(Stack.of(role))],
    }),
  );
}

/**
 * PutEvents on this region's default bus, and only events whose source is ec2trail
 * (`events:source`), so the role cannot pose as an AWS service or another application.
 */
export function grantViolationEvents(role: IRole): void {
  const stack = Stack.of(role);
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'PutViolationEvents',
      actions: ['events:PutEvents'],
      resources: [stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' })],
      conditions: { StringEquals: { 'events:source': VIOLATION_SOURCE } },
    }),
  );
}

/**
 * The alarms of the launch actions a deploy turned on: each says that something besides the row
 * and the alert could not be done (the row and the alert are unaffected).
 */
export function launchActionAlarms(props: LaunchActionsProps): AlarmSpec[] {
  const failed = (id: string, metric: string, label: string, what: string): AlarmSpec => ({
    id,
    severity: 'warning',
    description: `${what} (rows and alerts are unaffected); see the function's logs`,
    metric: appMetric(metric, label),
  });
  return [
    ...(props.violationEvents
      ? [
          failed(
            'ViolationEventFailures',
            METRIC.violationEventFailures,
            'violation event failures',
            'a violation could not be put on the event bus',
          ),
        ]
      : []),
    ...(props.securityHub
      ? [
          failed(
            'FindingImportFailures',
            METRIC.findingImportFailures,
            'finding import failures',
            'a finding could not be imported into or archived in Security Hub',
          ),
        ]
      : []),
    ...(props.ownerTags
      ? [
          failed(
            'OwnerTagFailures',
            METRIC.ownerTagFailures,
            'owner tag failures',
            'owner tags could not be written on a launch',
          ),
        ]
      : []),
  ];
}
