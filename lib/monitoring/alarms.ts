/**
 * One way to make ec2trail's alarms: every alarm fires at its threshold within one five-minute
 * period, treats missing data as fine, carries its severity in its description (the alarm relay
 * reads it), and notifies through one action strategy. The core monitoring and each feature add
 * their own alarms through it.
 */

import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { alarmDescription } from '../../lambda/domain/alarm';
import type { Severity } from '../../lambda/domain/policy/schema';
import { METRICS_NAMESPACE } from '../../lambda/telemetry';

/** The period of every alarm and widget. */
export const PERIOD = Duration.minutes(5);

/** One alarm: what it watches, how bad it is, and what it tells the reader. */
export interface AlarmSpec {
  /** The alarm's construct id (its logical id follows from it). */
  readonly id: string;
  readonly severity: Severity;
  /** What happened and what to do, in the reader's words. */
  readonly description: string;
  readonly metric: IMetric;
  /** The value at which it fires. @default 1 */
  readonly threshold?: number;
  /** Fire below the threshold rather than at or above it. @default false */
  readonly below?: boolean;
}

/** What an alarm does when it fires. */
export interface AlarmActionStrategy {
  apply(alarm: Alarm): void;
}

/** Notifies a topic: the alarm relay's, which passes alarms on to the alert topic with their severity. */
export class NotifyTopic implements AlarmActionStrategy {
  constructor(private readonly topic: ITopic) {}

  apply(alarm: Alarm): void {
    alarm.addAlarmAction(new SnsAction(this.topic));
  }
}

/** Makes alarms in one scope, with one action strategy. */
export class AlarmFactory {
  constructor(
    private readonly scope: Construct,
    private readonly actions: AlarmActionStrategy,
  ) {}

  alarm(spec: AlarmSpec): Alarm {
    const alarm = new Alarm(this.scope, spec.id, {
      alarmDescription: alarmDescription(spec.severity, spec.description),
      metric: spec.metric,
      threshold: spec.threshold ?? 1,
      evaluationPeriods: 1,
      comparisonOperator: spec.below
        ? ComparisonOperator.LESS_THAN_THRESHOLD
        : ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.actions.apply(alarm);
    return alarm;
  }

  alarms(specs: readonly AlarmSpec[]): Alarm[] {
    return specs.map((spec) => this.alarm(spec));
  }
}

/** One of ec2trail's own metrics (lambda/telemetry.ts), summed over the period unless said. */
export function appMetric(name: string, label: string, statistic = 'Sum'): IMetric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: 'ec2trail' },
    statistic,
    period: PERIOD,
    label,
  });
}

/** The messages waiting in a queue: a dead-letter queue's backlog. */
export function backlogOf(queue: IQueue): IMetric {
  return queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' });
}
