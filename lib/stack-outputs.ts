/** Names of the stack outputs, which the CLI reads to find the table and the topic. */
export const STACK_OUTPUTS = {
  tableName: 'AttributionTableName',
  topicArn: 'AlertTopicArn',
  ruleName: 'LifecycleRuleName',
  deadLetterQueueUrl: 'DeadLetterQueueUrl',
} as const;
