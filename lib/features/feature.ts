/**
 * An optional feature's CDK part. The Ec2Trail construct builds its core (table, topic, dead
 * letters), then attaches each feature listed in lib/features/index.ts: a feature that is on
 * builds its own resources and returns what it adds to each recording function (environment,
 * bundle constants, permissions) and to the monitoring (alarms, widgets). The construct never
 * names a feature; the runtime half of each is in lambda/features/<name>/.
 */

import type { Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Policy } from '../../lambda/domain/policy/schema';
import type { BuildConstants } from '../../lambda/settings/build';
import type { Ec2TrailConfig } from '../config';
import type { AlertTopic } from '../constructs/alert-topic';
import type { AttributionFunction } from '../constructs/attribution-function';
import type { SelfMonitoring } from '../constructs/self-monitoring';

/** What a feature is attached to: the deploy's settings and its core resources. */
export interface Ec2TrailCore {
  /** The Ec2Trail construct: features add their resources and outputs under it. */
  readonly scope: Construct;
  readonly config: Ec2TrailConfig;
  readonly policy: Policy;
  readonly table: ITable;
  /** The alert topic's construct, where features add subscriptions. */
  readonly alerts: AlertTopic;
  readonly topic: ITopic;
  readonly logRetention: RetentionDays;
  /** The regions whose instances the deploy may act on, home first. */
  readonly regions: readonly string[];
  /**
   * Unique to this deploy (the stack id's UUID) and known to both sides of a member account's
   * trust: the member role's trust policy and the recording functions' AssumeRole.
   */
  readonly memberTagExternalId: string;
}

/** The core once built: the attribution function, the monitoring and the alarm relay exist. */
export interface Ec2TrailBuilt extends Ec2TrailCore {
  /** Where EventBridge and the functions put what they could not deliver or process. */
  readonly deadLetterQueue: IQueue;
  readonly attribution: AttributionFunction;
  readonly monitoring: SelfMonitoring;
  /** Where alarms notify: the alarm relay's topic, which passes them on with a severity. */
  readonly alarmTopic: ITopic;
  /** The parts of every feature that is on, in the registry's order. */
  readonly parts: LaunchActions;
}

/** What a feature that is on adds to each recording function (live and trail-file) and to monitoring. */
export interface FeaturePart {
  /** Its bundle constants; every other feature's keep their values when off. @default none */
  readonly build?: Partial<BuildConstants>;
  /** Its settings in a recording function's environment (`fn` is that function's construct). */
  environment?(fn: Construct): Readonly<Record<string, string>>;
  /** Its permissions on a recording function's role, each as narrow as its action. */
  grant?(role: IRole): void;
  /** Its alarms and dashboard widgets. */
  monitor?(monitoring: SelfMonitoring): void;
  /**
   * Its resources in each member account, with `organization`: `recordingRoles` are the home
   * functions' roles (live and trail-file), which the member resources may trust.
   */
  member?(recordingRoles: readonly IRole[]): MemberPart;
  /**
   * Builds what needs the built core: the functions, the dashboard, the other features' parts.
   * Called in the registry's order, after every feature has attached and been monitored.
   */
  complete?(built: Ec2TrailBuilt): void;
  /** The roles of the recording functions the feature adds (the trail path's reader), once complete. @default none */
  recordingRoles?(): readonly IRole[];
}

/**
 * A feature's share of the member accounts' template (the organization's StackSet). Its
 * resources are created once per account, by the stack instance in the home region (IAM names
 * are global), and never in the home account.
 */
export interface MemberPart {
  /** Its construct's id in the member stack. */
  readonly id: string;
  /** Builds the part in a member account's stack; returns the construct whose resources it made. */
  add(stack: Stack): Construct;
  /** The template parameters the part declares, with the values the StackSet passes from home. */
  readonly parameters: Readonly<Record<string, string>>;
}

/** One optional feature, as lib/features/index.ts lists it. */
export interface Ec2TrailFeature<P extends FeaturePart = FeaturePart> {
  readonly name: string;
  /**
   * What is wrong with the feature's config together with the policy, each valid alone; checked
   * at synth, before any resource is built. @default no check
   */
  check?(config: Ec2TrailConfig, policy: Policy): readonly string[];
  /** The feature's part in the deploy `core` describes, or null when its config leaves it off. */
  attach(core: Ec2TrailCore): P | null;
}

/** The parts of the features a deploy turned on: what the recording functions are built with. */
export type LaunchActions = readonly FeaturePart[];
