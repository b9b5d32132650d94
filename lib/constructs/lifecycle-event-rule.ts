import { Duration } from 'aws-cdk-lib';
import { type IRuleTarget, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Action } from '../../lambda/domain/actions';
import { CLOUDTRAIL_DETAIL_TYPE } from '../../lambda/domain/shapes';
import { eventsOf } from '../../lambda/domain/watched-calls';

/** The calls a rule matches and where it sends them. */
export interface LifecycleEventRuleProps {
  /** The actions to match. */
  readonly actions: readonly Action[];
  /** What the rule is for, shown in the console. */
  readonly description: string;
  /** The function that receives the matched events. */
  readonly target: IFunction;
  /** Where EventBridge puts events it could not deliver. */
  readonly deadLetterQueue: IQueue;
  /** How long EventBridge keeps retrying delivery. @default 24 hours */
  readonly maxEventAge?: Duration;
  /** EventBridge's delivery retries. @default 185 (the maximum) */
  readonly retryAttempts?: number;
}

/** EventBridge names a CloudTrail event's source after the service: ec2.amazonaws.com → aws.ec2. */
function eventBridgeSource(eventSource: string): string {
  return `aws.${eventSource.replace(/\.amazonaws\.com$/, '')}`;
}

/** The EventBridge pattern for CloudTrail's record of the given calls. */
export function cloudTrailCallPattern(actions: readonly Action[]) {
  const events = actions.flatMap(eventsOf);
  const unique = (values: string[]) => [...new Set(values)].sort();
  const sources = unique(events.map((e) => eventBridgeSource(e.eventSource)));
  return {
    source: sources,
    detailType: [CLOUDTRAIL_DETAIL_TYPE],
    detail: {
      eventSource: unique(events.map((e) => e.eventSource)),
      eventName: unique(events.map((e) => e.eventName)),
    },
  };
}

/** Routes CloudTrail's record of the given calls on the default event bus to the attribution function. */
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
      description: props.description,
      eventPattern: cloudTrailCallPattern(props.actions),
      targets: [target],
    });
  }
}
