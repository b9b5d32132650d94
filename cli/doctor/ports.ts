/** What `ec2trail doctor` asks AWS, behind one port so the checks run against fakes in tests. */

export interface TrailFacts {
  readonly name: string;
  readonly homeRegion: string;
  readonly multiRegion: boolean;
  readonly organizationTrail: boolean;
  readonly logging: boolean;
  /** Whether its selectors record write management events (where RunInstances and friends are). */
  readonly writeManagementEvents: boolean;
}

export interface RuleFacts {
  readonly name: string;
  readonly enabled: boolean;
}

export interface SubscriptionFacts {
  readonly protocol: string;
  readonly endpoint: string;
  readonly confirmed: boolean;
}

export interface DoctorAws {
  /** The deployed stack's outputs, or null when the stack does not exist. */
  stackOutputs(stackName: string): Promise<Record<string, string> | null>;
  /** Trails whose events reach this region (its own and multi-region ones). */
  trails(region: string): Promise<readonly TrailFacts[]>;
  /** The EventBridge rules a stack created in a region; null when the stack does not exist there. */
  stackRules(stackName: string, region: string): Promise<readonly RuleFacts[] | null>;
  rule(name: string, region: string): Promise<RuleFacts | null>;
  functionState(name: string): Promise<{ readonly state: string; readonly lastUpdate: string }>;
  /** Function errors in the last `hours` hours. */
  functionErrors(name: string, hours: number): Promise<number>;
  queueDepth(url: string): Promise<number>;
  /** Whether S3 sends the bucket's events to EventBridge (its notification configuration). */
  bucketSendsToEventBridge(bucket: string): Promise<boolean>;
  /** The sum of one of ec2trail's own metrics over the last `hours` hours. */
  appMetricSum(name: string, hours: number): Promise<number>;
  subscriptions(topicArn: string): Promise<readonly SubscriptionFacts[]>;
  /**
   * The service control policies that apply to this account (its own, its OUs', the root's), as
   * documents; `unreadable` with the reason when these credentials may not read AWS Organizations
   * (only the management account or a delegated administrator may).
   */
  serviceControlPolicies(): Promise<
    | {
        readonly readable: true;
        readonly policies: readonly { readonly name: string; readonly content: string }[];
      }
    | { readonly readable: false; readonly reason: string }
  >;
  /** The StackSet's status, and how many stack instances are not current. */
  stackSet(
    name: string,
  ): Promise<{ readonly status: string; readonly instances: number; readonly notCurrent: number } | null>;
}
