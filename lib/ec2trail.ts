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
import { writesLegacyKeys } from '../lambda/schema/table-definition';
import { ConfigError, type ConfigSchema, type Ec2TrailConfig, parseConfig } from './config';
import { AlarmRelay } from './constructs/alarm-relay';
import { AlertTopic } from './constructs/alert-topic';
import { AttributionFunction } from './constructs/attribution-function';
import { AttributionTable } from './constructs/attribution-table';
import { DeadLetterQueue } from './constructs/dead-letter-queue';
import { LifecycleEventRule, type LifecycleEventRuleProps } from './constructs/lifecycle-event-rule';
import { logRetentionOf } from './constructs/log-retention';
import { SelfMonitoring } from './constructs/self-monitoring';
import { attachFeatures, type FeatureParts, featureConflicts } from './features';
import type { ChatChannels } from './features/chat/chat-channels';
import type { DigestSchedule } from './features/digests/digest-schedule';
import type { LaunchActions } from './features/feature';
import type { MemberForwarders } from './features/organization/member-forwarders';
import type { OrganizationBusPolicy } from './features/organization/organization-bus-policy';
import type { Remediation } from './features/remediation/remediation';
import type { TrailPath } from './features/trail-path/trail-path';
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
  /** Each optional feature's part in this deploy (lib/features/), null when it is off. */
  public readonly features: FeatureParts;

  /** Present with `organization`: the bus policy for member accounts. */
  get organizationPolicy(): OrganizationBusPolicy | undefined {
    return this.features.organization?.busPolicy;
  }
  /** Present with `organization`: the StackSet that puts forwarders in member accounts. */
  get memberForwarders(): MemberForwarders | undefined {
    return this.features.organization?.forwarders();
  }
  /** Present with `chat`. */
  get chat(): ChatChannels | undefined {
    return this.features.chat?.channels;
  }
  /** Present with `digests`: the scheduled digest function and its schedules. */
  get digests(): DigestSchedule | undefined {
    return this.features.digests?.schedule;
  }
  /** Present with `trail`: the second path, from the trail's log files in S3. */
  get trailPath(): TrailPath | undefined {
    return this.features.trailPath?.path();
  }
  /** Present when the policy remediates in enforce mode: schedules, the remediation function. */
  get remediation(): Remediation | undefined {
    return this.features.remediation?.enforcement;
  }

  constructor(scope: Construct, id: string, props: Ec2TrailProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const { config, policy } = readProps(this, props);
    this.config = config;
    this.policy = policy;
    const logRetention = logRetentionOf(config.logRetentionDays);
    this.table = new AttributionTable(this, 'Attribution', { moveStep: config.tableMove?.step });
    this.alerts = this.alertTopic(config);
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters');
    const regions = [...new Set([config.region ?? stack.region, ...(config.regions ?? [])])];
    // Unique to this deploy (the stack id's UUID) and known to both sides: the member role's trust
    // and the function's AssumeRole.
    const memberTagExternalId = Fn.select(2, Fn.split('/', Aws.STACK_ID));
    const core = {
      scope: this,
      alerts: this.alerts,
      config,
      policy,
      table: this.table.table,
      topic: this.alerts.topic,
      logRetention,
      regions,
      memberTagExternalId,
    };
    this.features = attachFeatures(core);
    const parts = Object.values(this.features).filter((part) => part !== null);
    this.attribution = new AttributionFunction(this, 'Attributor', {
      table: this.table.table,
      topic: this.alerts.topic,
      deadLetterQueue: this.deadLetters.queue,
      logRetention,
      retentionDays: config.retentionDays,
      legacyKeys: writesLegacyKeys(config.tableMove?.step),
      policy,
      ...(config.organization?.readAccountNames ? { accountNamesFrom: config.organization.id } : {}),
      launchActions: parts,
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
    this.monitoring = this.selfMonitoring(parts);
    const built = {
      ...core,
      deadLetterQueue: this.deadLetters.queue,
      attribution: this.attribution,
      monitoring: this.monitoring,
      alarmTopic: this.alarmRelay.alarmTopic,
      parts,
    };
    for (const part of parts) part.complete?.(built);
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
      teamDigests: config.digests?.team ?? false,
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
    return monitoring;
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
