import { Duration } from 'aws-cdk-lib';
import { type IRuleTarget, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ACTION_EVENTS, type LifecycleAction } from '../../lambda/domain/actions';
import { CLOUDTRAIL_DETAIL_TYPE } from '../../lambda/domain/shapes';

export interface LifecycleEventRuleProps {
  /** The lifecycle actions to match. */
  readonly actions: readonly LifecycleAction[];
  /** The function that receives the matched events. */
  readonly target: IFunction;
  /** Where EventBridge puts events it could not deliver. */
  readonly deadLetterQueue: IQueue;
  /** How long EventBridge keeps retrying delivery. @default 24 hours */
  readonly maxEventAge?: Duration;
  /** EventBridge's delivery retries. @default 185 (the maximum) */
  readonly retryAttempts?: number;
}

/** The EventBridge pattern for CloudTrail's record of the given lifecycle calls. */
export function lifecycleEventPattern(actions: readonly LifecycleAction[]) {
  const events = actions.map((action) => ACTION_EVENTS[action]);
  const unique = (values: string[]) => [...new Set(values)].sort();
  const sources = unique(
    events.map((e) => (e.eventSource === 'ec2.amazonaws.com' ? 'aws.ec2' : 'aws.ec2-instance-connect')),
  );
  return {
    source: sources,
    detailType: [CLOUDTRAIL_DETAIL_TYPE],
    detail: {
      eventSource: unique(events.map((e) => e.eventSource)),
      eventName: unique(events.map((e) => e.eventName)),
    },
  };
}

/** Routes CloudTrail EC2 lifecycle calls on the default event bus to the attribution function. */
export class LifecycleEventRule extends Construct {
  public readonly rule: Rule;

  constructor(scope: Construct, id: string, props: LifecycleEventRuleProps) {
    super(scope, id);
    const target: IRuleTarget = new LambdaFunction(props.target, {
      deadLetterQueue: props.deadLetterQueue,
      maxEventAge: props.maxEventAge ?? Duration.hours(24),
      retryAttempts: props.retryAttempts ?? 185,
    });
    this.rule = new Rule(this, 'Rule', {
      description: 'CloudTrail EC2 lifecycle calls to the ec2trail attribution function',
      eventPattern: lifecycleEventPattern(props.actions),
      targets: [target],
    });
  }
}
