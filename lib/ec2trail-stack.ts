import { Annotations, Aws, CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { SERVICE_CHANGE, TRAIL_ACTIONS } from '../lambda/domain/actions';
import { consoleUrl } from '../lambda/domain/console-url';
import type { Policy } from '../lambda/domain/policy/schema';
import { remediationSettingsOf } from '../lambda/domain/remediation/settings';
import { actionGroups, type Ec2TrailConfig, homeBusArnOf } from './config';
import { AlarmRelay } from './constructs/alarm-relay';
import { AlertTopic } from './constructs/alert-topic';
import { AttributionFunction } from './constructs/attribution-function';
import { AttributionTable } from './constructs/attribution-table';
import { ChatChannels } from './constructs/chat-channels';
import { DeadLetterQueue } from './constructs/dead-letter-queue';
import { DigestSchedule } from './constructs/digest-schedule';
import type { LaunchActionsProps } from './constructs/launch-actions';
import { LifecycleEventRule } from './constructs/lifecycle-event-rule';
import { MemberForwarders } from './constructs/member-forwarders';
import { OrganizationBusPolicy } from './constructs/organization-bus-policy';
import { Remediation } from './constructs/remediation';
import { SelfMonitoring } from './constructs/self-monitoring';
import { TrailPath } from './constructs/trail-path';
import { STACK_OUTPUTS } from './stack-outputs';

export interface Ec2TrailStackProps extends StackProps {
  readonly config: Ec2TrailConfig;
  /** The validated launch policy. */
  readonly policy: Policy;
}

/** ec2trail in one account and region: rule → function → table and topic, with a dead-letter queue. */
export class Ec2TrailStack extends Stack {
  public readonly table: AttributionTable;
  public readonly alerts: AlertTopic;
  public readonly deadLetters: DeadLetterQueue;
  public readonly attribution: AttributionFunction;
  public readonly lifecycleRule: LifecycleEventRule;
  /** Watches the trail itself; absent when `watchTrail` is false. */
  public readonly trailRule?: LifecycleEventRule;
  public readonly serviceChangeRule: LifecycleEventRule;
  public readonly monitoring: SelfMonitoring;
  /** Where the alarms notify, and the relay that passes them on to the alert topic with a severity. */
  public readonly alarmRelay: AlarmRelay;
  /** Present with `organization`: the bus policy for member accounts. */
  public readonly organizationPolicy?: OrganizationBusPolicy;
  /** Present with `organization`: the StackSet that puts forwarders in member accounts. */
  public readonly memberForwarders?: MemberForwarders;
  public readonly chat?: ChatChannels;
  /** Present with `digests`: the scheduled digest function and its schedules. */
  public readonly digests?: DigestSchedule;
  /** Present with `trail`: the second path, from the trail's log files in S3. */
  public readonly trailPath?: TrailPath;
  /** Present when the policy remediates in enforce mode: schedules, the remediation function. */
  public readonly remediation?: Remediation;

  constructor(scope: Construct, id: string, props: Ec2TrailStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.table = new AttributionTable(this, 'Attribution');
    this.alerts = new AlertTopic(this, 'Alerts', {
      emails: config.alertEmails,
      phones: config.alertPhones,
      emailMinSeverity: config.emailMinSeverity,
      smsMinSeverity: config.smsMinSeverity,
      ...(config.people ? { people: { ...config.people, digests: config.digests?.people ?? false } } : {}),
      teamDigests: config.digests?.team ?? false,
    });
    if (config.alertEmails.length === 0 && config.alertPhones.length === 0 && !config.people)
      Annotations.of(this).addWarningV2(
        'ec2trail:no-subscribers',
        'No alertEmails or alertPhones: alerts reach the topic and nobody receives them. Add -c alertEmails=you@example.com (or alertPhones), or subscribe to the AlertTopicArn output yourself.',
      );
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters');
    const regions = [...new Set([config.region ?? this.region, ...(config.regions ?? [])])];
    const remediation = remediationSettingsOf(props.policy);
    if (remediation?.mode === 'enforce') {
      this.remediation = new Remediation(this, 'Remediation', {
        policy: props.policy,
        settings: remediation,
        table: this.table.table,
        topic: this.alerts.topic,
        logRetention: config.logRetentionDays as RetentionDays,
        regions,
        chatNotifications: config.chat !== undefined,
      });
    }
    // Unique to this deploy (the stack id's UUID) and known to both sides: the member role's trust
    // and the function's AssumeRole.
    const memberTagExternalId = Fn.select(2, Fn.split('/', Aws.STACK_ID));
    const launchActions: LaunchActionsProps = {
      ...(config.ownerTags ? { ownerTags: config.ownerTags } : {}),
      ...(config.ownerTags && config.organization
        ? { memberTagging: { organizationId: config.organization.id, externalId: memberTagExternalId } }
        : {}),
      regions,
      remediates: remediation !== null,
      ...(this.remediation ? { enforcement: this.remediation } : {}),
      violationEvents: config.violationEvents,
      securityHub: config.securityHub,
      chatNotifications: config.chat !== undefined,
    };
    this.attribution = new AttributionFunction(this, 'Attributor', {
      table: this.table.table,
      topic: this.alerts.topic,
      deadLetterQueue: this.deadLetters.queue,
      logRetention: config.logRetentionDays as RetentionDays,
      retentionDays: config.retentionDays,
      policy: props.policy,
      ...(config.organization?.readAccountNames ? { accountNamesFrom: config.organization.id } : {}),
      launchActions,
    });
    this.lifecycleRule = new LifecycleEventRule(this, 'Lifecycle', {
      description: 'CloudTrail EC2 lifecycle calls to the ec2trail attribution function',
      actions: config.actions,
      target: this.attribution.function,
      deadLetterQueue: this.deadLetters.queue,
    });

    this.serviceChangeRule = new LifecycleEventRule(this, 'ServiceChanges', {
      description:
        'Changes that make services launch or terminate instances (Auto Scaling, CloudFormation, EKS, fleets, Beanstalk, EMR), to the ec2trail attribution function',
      actions: [SERVICE_CHANGE],
      target: this.attribution.function,
      deadLetterQueue: this.deadLetters.queue,
    });

    if (config.watchTrail) {
      this.trailRule = new LifecycleEventRule(this, 'TrailTamper', {
        description: 'Calls that stop or change CloudTrail logging, to the ec2trail attribution function',
        actions: TRAIL_ACTIONS,
        target: this.attribution.function,
        deadLetterQueue: this.deadLetters.queue,
      });
    }

    this.alarmRelay = new AlarmRelay(this, 'AlarmRelay', {
      alertTopic: this.alerts.topic,
      key: this.alerts.key,
      logRetention: config.logRetentionDays as RetentionDays,
    });
    if (config.digests) {
      this.digests = new DigestSchedule(this, 'Digests', {
        digests: config.digests,
        table: this.table.table,
        topic: this.alerts.topic,
        personal: config.digests.people && config.people !== undefined,
        chatNotifications: config.chat !== undefined,
        logRetention: config.logRetentionDays as RetentionDays,
      });
    }

    this.monitoring = new SelfMonitoring(this, 'Monitoring', {
      function: this.attribution.function,
      deadLetterQueue: this.deadLetters.queue,
      relayDeadLetterQueue: this.alarmRelay.deadLetterQueue.queue,
      rules: [
        this.lifecycleRule.rule,
        this.serviceChangeRule.rule,
        ...(this.trailRule ? [this.trailRule.rule] : []),
      ],
      topic: this.alarmRelay.alarmTopic,
      ownerTags: config.ownerTags !== undefined,
      violationEvents: config.violationEvents,
      securityHub: config.securityHub,
      ...(this.digests ? { digests: { deadLetterQueue: this.digests.deadLetters.queue } } : {}),
      ...(this.remediation
        ? {
            remediation: {
              function: this.remediation.function,
              deadLetterQueue: this.remediation.deadLetters.queue,
            },
          }
        : {}),
    });

    if (config.chat) {
      this.chat = new ChatChannels(this, 'Chat', {
        topic: this.alerts.topic,
        slack: config.chat.slack,
        teams: config.chat.teams,
      });
    }

    if (config.trail) {
      this.trailPath = new TrailPath(this, 'TrailPath', {
        trail: config.trail,
        homeAccount: config.account,
        homeRegion: config.region,
        stackName: this.stackName,
        table: this.table.table,
        topic: this.alerts.topic,
        deadLetterQueue: this.deadLetters.queue,
        policy: props.policy,
        logRetention: config.logRetentionDays as RetentionDays,
        retentionDays: config.retentionDays,
        dashboard: this.monitoring.dashboard,
        launchActions,
        alarmTopic: this.alarmRelay.alarmTopic,
      });
    }

    const organization = config.organization;
    if (organization && config.account && config.region) {
      this.organizationPolicy = new OrganizationBusPolicy(this, 'OrganizationBus', {
        organizationId: organization.id,
      });
      this.memberForwarders = new MemberForwarders(this, 'MemberForwarders', {
        homeBusArn: homeBusArnOf(config.account, config.region),
        actionGroups: actionGroups(config),
        organizationalUnits: organization.organizationalUnits,
        regions: config.regions ?? [config.region],
        homeAccount: config.account,
        callAs: organization.callAs,
        ...(config.ownerTags
          ? {
              ownerTags: {
                settings: config.ownerTags,
                organizationId: organization.id,
                homeRegion: config.region,
                // Both recording functions tag: the trail path's recovered events come from member accounts too.
                taggerRoleArns: [
                  this.attribution.role.roleArn,
                  ...(this.trailPath ? [this.trailPath.reader.role.roleArn] : []),
                ],
                externalId: memberTagExternalId,
              },
            }
          : {}),
      });
    }

    new CfnOutput(this, STACK_OUTPUTS.tableName, {
      value: this.table.table.tableName,
      description: 'Attribution table',
    });
    new CfnOutput(this, STACK_OUTPUTS.topicArn, {
      value: this.alerts.topic.topicArn,
      description: 'Alert topic',
    });
    new CfnOutput(this, STACK_OUTPUTS.ruleName, {
      value: this.lifecycleRule.rule.ruleName,
      description: 'EventBridge rule',
    });
    new CfnOutput(this, STACK_OUTPUTS.functionName, {
      value: this.attribution.function.functionName,
      description: 'Attribution function',
    });
    if (this.trailRule)
      new CfnOutput(this, STACK_OUTPUTS.trailRuleName, {
        value: this.trailRule.rule.ruleName,
        description: 'Trail tampering rule',
      });
    if (remediation)
      new CfnOutput(this, STACK_OUTPUTS.remediationMode, {
        value: remediation.mode,
        description: 'How the policy remediates (doctor checks the launcher opt-out SCP when it is enforce)',
      });
    new CfnOutput(this, STACK_OUTPUTS.regions, {
      value: [this.region, ...(config.regions ?? []).filter((r) => r !== config.region)].join(','),
      description: 'Watched regions, home first',
    });
    if (this.memberForwarders) {
      new CfnOutput(this, STACK_OUTPUTS.stackSetName, {
        value: this.memberForwarders.stackSet.attrStackSetId,
        description: 'Member forwarders StackSet',
      });
    }
    // The region may be a token (an environment-agnostic synth): it reads as the aws partition.
    const dashboard = consoleUrl(
      this.region,
      `cloudwatch/home?region=${this.region}#dashboards/dashboard/${this.monitoring.dashboard.dashboardName}`,
    );
    if (dashboard)
      new CfnOutput(this, STACK_OUTPUTS.dashboardUrl, {
        value: dashboard,
        description: 'CloudWatch dashboard of what ec2trail processes',
      });
    new CfnOutput(this, STACK_OUTPUTS.deadLetterQueueUrl, {
      value: this.deadLetters.queue.queueUrl,
      description: 'Dead-letter queue',
    });
  }
}
