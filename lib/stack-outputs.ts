/** Names of the stack outputs, which the CLI reads to find the table and the topic. */
export const STACK_OUTPUTS = {
  tableName: 'AttributionTableName',
  topicArn: 'AlertTopicArn',
  ruleName: 'LifecycleRuleName',
  deadLetterQueueUrl: 'DeadLetterQueueUrl',
  dashboardUrl: 'DashboardUrl',
  functionName: 'AttributionFunctionName',
  trailRuleName: 'TrailRuleName',
  /** The regions the deploy watches, comma-separated: the home region first. */
  regions: 'WatchedRegions',
  /** Present with an organization: the member StackSet's name. */
  stackSetName: 'MemberStackSetName',
  /** Present with `trail`: where announcements of new log files wait. */
  trailFileQueueUrl: 'TrailFileQueueUrl',
  trailDeadLetterQueueUrl: 'TrailDeadLetterQueueUrl',
  trailLogRuleName: 'TrailLogRuleName',
  /** `s3://bucket/prefix` of the trail the deploy reads. */
  trailLocation: 'TrailLocation',
  /** Present with `trail.backfill`. */
  backfillStateMachineArn: 'BackfillStateMachineArn',
  backfillResultsBucket: 'BackfillResultsBucket',
  /** Present when the policy remediates: `dry-run` or `enforce`. */
  remediationMode: 'RemediationMode',
} as const;
