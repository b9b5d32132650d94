/**
 * The Ec2Trail construct: all of ec2trail in one account and region, for a CDK app of your own.
 * This repository's app (bin/app.ts) is one user of it, through Ec2TrailStack.
 */

import { Annotations, Aws, CfnOutput, Fn, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type * as z from 'zod';
import { type Policy, parsePolicy } from '../lambda/domain';
import { SERVICE_CHANGE, TRAIL_ACTIONS } from '../lambda/domain/actions';
import { consoleUrl } from '../lambda/domain/console-url';
import type { PolicySchema } from '../lambda/domain/policy/schema';
import {
  actionGroups,
  ConfigError,
  type ConfigSchema,
  type Ec2TrailConfig,
  homeBusArnOf,
  parseConfig,
} from './config';
import { AlarmRelay } from './constructs/alarm-relay';
import { AlertTopic } from './constructs/alert-topic';
import { AttributionFunction } from './constructs/attribution-function';
import { AttributionTable } from './constructs/attribution-table';
import { ChatChannels } from './constructs/chat-channels';
import { DeadLetterQueue } from './constructs/dead-letter-queue';
import { DigestSchedule, digestAlarms } from './constructs/digest-schedule';
import { LifecycleEventRule, type LifecycleEventRuleProps } from './constructs/lifecycle-event-rule';
import { logRetentionOf } from './constructs/log-retention';
import { MemberForwarders } from './constructs/member-forwarders';
import { OrganizationBusPolicy } from './constructs/organization-bus-policy';
import { SelfMonitoring } from './constructs/self-monitoring';
import { TrailPath } from './constructs/trail-path';
import { attachFeatures, type FeatureParts, featureConflicts } from './features';
import type { LaunchActions } from './features/feature';
import type { Remediation } from './features/remediation/remediation';
import { DEFAULT_POLICY_FILE, readPolicyFile } from './policy-file';
import { STACK_OUTPUTS } from './stack-outputs';

/** A launch policy as a policy file holds it (docs/policy.md); checked when the construct is built. */
export type Ec2TrailPolicy = z.input<typeof PolicySchema>;

/**
 * What an Ec2Trail watches, who it tells, and what else it does: the fields of
 * `ec2trail.config.json` (docs/configuration.md), typed. Every problem is reported at once, in a
 * `ConfigError`, when the construct is built.
 */
export type Ec2TrailProps = Readonly<
  Omit<z.input<typeof ConfigSchema>, 'stackName' | 'account' | 'region' | 'policyFile' | 'tags'>
> & {
  /**
   * The launch policy.
   * @default the shipped default policy (policy/default-policy.json)
   */
  readonly policy?: Ec2TrailPolicy;
  /**
   * The home account: where owner tags are written and member accounts forward to.
   * @default the enclosing stack's account, when it is known at synth
   */
  readonly account?: string;
  /**
   * The home region.
   * @default the enclosing stack's region, when it is known at synth
   */
  readonly region?: string;
};

/**
 * The props read as the config file is (defaults filled, every problem reported at once) and the
 * policy checked; no feature may contradict the policy.
 */
function readProps(scope: Construct, props: Ec2TrailProps): { config: Ec2TrailConfig; policy: Policy } {
  const stack = Stack.of(scope);
  const { policy: rawPolicy, ...fields } = props;
  const source = `the props of ${scope.node.path}`;
  const config = parseConfig(
    { account: known(stack.account), region: known(stack.region), ...fields },
    source,
  );
  const policy =
    rawPolicy === undefined ? readPolicyFile(DEFAULT_POLICY_FILE) : parsePolicy(rawPolicy, 'policy');
  const conflicts = featureConflicts(config, policy);
  if (conflicts.length > 0) throw new ConfigError(source, conflicts);
  return { config, policy };
}

/** A value of the stack's environment, when it is known at synth. */
function known(value: string): string | undefined {
  return Token.isUnresolved(value) ? undefined : value;
}

/**
 * ec2trail in one account and region: an EventBridge rule for CloudTrail's EC2 lifecycle calls,
 * the attribution function, the table and the alert topic, with a dead-letter queue, alarms and
 * a dashboard; and, as its props turn them on, owner tags, remediation, digests, chat channels,
 * Security Hub findings, the trail path and the organization's forwarders.
 *
 * @example
 * import { Stack } from 'aws-cdk-lib';
 * import { Ec2Trail } from 'ec2trail';
 *
 * const stack = new Stack(app, 'Security', { env: { account: '111122223333', region: 'eu-west-1' } });
 * new Ec2Trail(stack, 'Ec2Trail', {
 *   alertEmails: ['team@example.com'],
 *   ownerTags: {},
 *   policy: { rules: { instanceType: { deny: ['p5.*'] } } },
 * });
 */
export class Ec2Trail extends Construct {
  /** The props as read: every default filled in. */
  public readonly config: Ec2TrailConfig;
  /** The launch policy as read. */
  public readonly policy: Policy;
  public readonly table: AttributionTable;
  public readonly alerts: AlertTopic;
  public readonly deadLetters: DeadLetterQueue;
  public readonly attribution: AttributionFunction;
  public readonly lifecycleRule: LifecycleEventRule;
  public readonly serviceChangeRule: LifecycleEventRule;
  /** Watches the trail itself; absent when `watchTrail` is false. */
  public readonly trailRule?: LifecycleEventRule;
  public readonly monitoring: SelfMonitoring;
  /** Where the alarms notify, and the relay that passes them on to the alert topic with a severity. */
  public readonly alarmRelay: AlarmRelay;
  /** Present with `organization`: the bus policy for member accounts. */
  public readonly organizationPolicy?: OrganizationBusPolicy;
  /** Present with `organization`: the StackSet that puts forwarders in member accounts. */
  public readonly memberForwarders?: MemberForwarders;
  /** Present with `chat`. */
  public readonly chat?: ChatChannels;
  /** Present with `digests`: the scheduled digest function and its schedules. */
  public readonly digests?: DigestSchedule;
  /** Present with `trail`: the second path, from the trail's log files in S3. */
  public readonly trailPath?: TrailPath;
  /** Present when the policy remediates in enforce mode: schedules, the remediation function. */
  public readonly remediation?: Remediation;
  /** Each optional feature's part in this deploy (lib/features/), null when it is off. */
  public readonly features: FeatureParts;

  constructor(scope: Construct, id: string, props: Ec2TrailProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const { config, policy } = readProps(this, props);
    this.config = config;
    this.policy = policy;
    const logRetention = logRetentionOf(config.logRetentionDays);
    this.table = new AttributionTable(this, 'Attribution');
    this.alerts = this.alertTopic(config);
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters');
    const regions = [...new Set([config.region ?? stack.region, ...(config.regions ?? [])])];
    // Unique to this deploy (the stack id's UUID) and known to both sides: the member role's trust
    // and the function's AssumeRole.
    const memberTagExternalId = Fn.select(2, Fn.split('/', Aws.STACK_ID));
    this.features = attachFeatures({
      scope: this,
      config,
      policy,
      table: this.table.table,
      topic: this.alerts.topic,
      logRetention,
      regions,
      memberTagExternalId,
    });
    this.remediation = this.features.remediation?.enforcement;
    const launchActions = Object.values(this.features).filter((part) => part !== null);
    this.attribution = new AttributionFunction(this, 'Attributor', {
      table: this.table.table,
      topic: this.alerts.topic,
      deadLetterQueue: this.deadLetters.queue,
      logRetention,
      retentionDays: config.retentionDays,
      policy,
      ...(config.organization?.readAccountNames ? { accountNamesFrom: config.organization.id } : {}),
      chatNotifications: config.chat !== undefined,
      launchActions,
    });
    this.lifecycleRule = this.rule('Lifecycle', 'CloudTrail EC2 lifecycle calls', config.actions);
    this.serviceChangeRule = this.rule(
      'ServiceChanges',
      'Changes that make services launch or terminate instances (Auto Scaling, CloudFormation, EKS, fleets, Beanstalk, EMR),',
      [SERVICE_CHANGE],
    );
    if (config.watchTrail)
      this.trailRule = this.rule(
        'TrailTamper',
        'Calls that stop or change CloudTrail logging,',
        TRAIL_ACTIONS,
      );
    this.alarmRelay = new AlarmRelay(this, 'AlarmRelay', {
      alertTopic: this.alerts.topic,
      key: this.alerts.key,
      logRetention,
    });
    if (config.digests) this.digests = this.digestsOf(config, config.digests);
    this.monitoring = this.selfMonitoring(launchActions);
    if (config.chat)
      this.chat = new ChatChannels(this, 'Chat', {
        topic: this.alerts.topic,
        slack: config.chat.slack,
        teams: config.chat.teams,
      });
    if (config.trail) this.trailPath = this.trailPathOf(config, config.trail, launchActions);
    const organization = this.organizationParts(config);
    this.organizationPolicy = organization?.policy;
    this.memberForwarders = organization?.forwarders;
    this.outputs(config);
  }

  /** The alert topic and its subscriptions; a warning when nobody would receive an alert. */
  private alertTopic(config: Ec2TrailConfig): AlertTopic {
    if (config.alertEmails.length === 0 && config.alertPhones.length === 0 && !config.people)
      Annotations.of(this).addWarningV2(
        'ec2trail:no-subscribers',
        'No alertEmails or alertPhones: alerts reach the topic and nobody receives them. Add -c alertEmails=you@example.com (or alertPhones), or subscribe to the AlertTopicArn output yourself.',
      );
    return new AlertTopic(this, 'Alerts', {
      emails: config.alertEmails,
      phones: config.alertPhones,
      emailMinSeverity: config.emailMinSeverity,
      smsMinSeverity: config.smsMinSeverity,
      ...(config.people ? { people: { ...config.people, digests: config.digests?.people ?? false } } : {}),
      teamDigests: config.digests?.team ?? false,
    });
  }

  private digestsOf(config: Ec2TrailConfig, digests: NonNullable<Ec2TrailConfig['digests']>): DigestSchedule {
    return new DigestSchedule(this, 'Digests', {
      digests,
      table: this.table.table,
      topic: this.alerts.topic,
      personal: digests.people && config.people !== undefined,
      chatNotifications: config.chat !== undefined,
      logRetention: logRetentionOf(config.logRetentionDays),
    });
  }

  /** A rule that sends `actions` to the attribution function. */
  private rule(id: string, what: string, actions: LifecycleEventRuleProps['actions']): LifecycleEventRule {
    return new LifecycleEventRule(this, id, {
      description: `${what} to the ec2trail attribution function`,
      actions,
      target: this.attribution.function,
      deadLetterQueue: this.deadLetters.queue,
    });
  }

  /** The pipeline's alarms and dashboard; each feature that is on adds its own. */
  private selfMonitoring(launchActions: LaunchActions): SelfMonitoring {
    const monitoring = new SelfMonitoring(this, 'Monitoring', {
      function: this.attribution.function,
      deadLetterQueue: this.deadLetters.queue,
      relayDeadLetterQueue: this.alarmRelay.deadLetterQueue.queue,
      rules: [
        this.lifecycleRule.rule,
        this.serviceChangeRule.rule,
        ...(this.trailRule ? [this.trailRule.rule] : []),
      ],
      topic: this.alarmRelay.alarmTopic,
    });
    for (const part of launchActions) part.monitor?.(monitoring);
    if (this.digests) monitoring.addAlarms(digestAlarms(this.digests));
    return monitoring;
  }

  private trailPathOf(
    config: Ec2TrailConfig,
    trail: NonNullable<Ec2TrailConfig['trail']>,
    launchActions: LaunchActions,
  ): TrailPath {
    return new TrailPath(this, 'TrailPath', {
      trail,
      homeAccount: config.account,
      homeRegion: config.region,
      stackName: Stack.of(this).stackName,
      table: this.table.table,
      topic: this.alerts.topic,
      deadLetterQueue: this.deadLetters.queue,
      policy: this.policy,
      logRetention: logRetentionOf(config.logRetentionDays),
      retentionDays: config.retentionDays,
      dashboard: this.monitoring.dashboard,
      chatNotifications: config.chat !== undefined,
      launchActions,
      alarmTopic: this.alarmRelay.alarmTopic,
    });
  }

  /** With `organization`: the bus policy for member accounts, and their forwarders' StackSet. */
  private organizationParts(
    config: Ec2TrailConfig,
  ): { policy: OrganizationBusPolicy; forwarders: MemberForwarders } | undefined {
    const { organization, account, region } = config;
    if (!organization || !account || !region) return undefined;
    const roles = [this.attribution.role, ...(this.trailPath ? [this.trailPath.reader.role] : [])];
    return {
      policy: new OrganizationBusPolicy(this, 'OrganizationBus', { organizationId: organization.id }),
      forwarders: new MemberForwarders(this, 'MemberForwarders', {
        homeBusArn: homeBusArnOf(account, region),
        actionGroups: actionGroups(config),
        organizationalUnits: organization.organizationalUnits,
        regions: config.regions ?? [region],
        homeAccount: account,
        callAs: organization.callAs,
        homeRegion: region,
        parts: Object.values(this.features).flatMap((part) => (part?.member ? [part.member(roles)] : [])),
      }),
    };
  }

  /** The outputs the CLI and doctor read (docs/deploy.md lists them). */
  private outputs(config: Ec2TrailConfig): void {
    const region = Stack.of(this).region;
    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output(STACK_OUTPUTS.tableName, this.table.table.tableName, 'Attribution table');
    output(STACK_OUTPUTS.topicArn, this.alerts.topic.topicArn, 'Alert topic');
    output(STACK_OUTPUTS.ruleName, this.lifecycleRule.rule.ruleName, 'EventBridge rule');
    output(STACK_OUTPUTS.functionName, this.attribution.function.functionName, 'Attribution function');
    if (this.trailRule)
      output(STACK_OUTPUTS.trailRuleName, this.trailRule.rule.ruleName, 'Trail tampering rule');
    output(
      STACK_OUTPUTS.regions,
      [region, ...(config.regions ?? []).filter((r) => r !== config.region)].join(','),
      'Watched regions, home first',
    );
    if (this.memberForwarders)
      output(
        STACK_OUTPUTS.stackSetName,
        this.memberForwarders.stackSet.attrStackSetId,
        'Member forwarders StackSet',
      );
    // The region may be a token (an environment-agnostic synth): it reads as the aws partition.
    const dashboard = consoleUrl(
      region,
      `cloudwatch/home?region=${region}#dashboards/dashboard/${this.monitoring.dashboard.dashboardName}`,
    );
    if (dashboard)
      output(STACK_OUTPUTS.dashboardUrl, dashboard, 'CloudWatch dashboard of what ec2trail processes');
    output(STACK_OUTPUTS.deadLetterQueueUrl, this.deadLetters.queue.queueUrl, 'Dead-letter queue');
  }
}
