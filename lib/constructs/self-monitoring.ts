import { Duration } from 'aws-cdk-lib';
import {
  type Alarm,
  Dashboard,
  GraphWidget,
  type IWidget,
  Metric,
  SingleValueWidget,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IRule } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC } from '../../lambda/telemetry';
import {
  AlarmFactory,
  type AlarmSpec,
  appMetric,
  backlogOf,
  NotifyTopic,
  PERIOD,
} from '../monitoring/alarms';

/** What the core alarms and dashboard watch, and where the alarms notify. */
export interface SelfMonitoringProps {
  /** The attribution function. */
  readonly function: IFunction;
  /** The dead-letter queue of the rules and the function. */
  readonly deadLetterQueue: IQueue;
  /** Alarm notifications the relay could not pass on. */
  readonly relayDeadLetterQueue: IQueue;
  /** The rules that deliver events to the function. */
  readonly rules: readonly IRule[];
  /** Where alarms notify: the alarm relay's topic, which passes them on to the alert topic with a severity. */
  readonly topic: ITopic;
  /** Oldest an event may wait in Lambda's async queue before the alarm fires. @default 5 minutes */
  readonly maxEventAge?: Duration;
}

/**
 * Alarms that say when ec2trail itself is failing (function errors and throttles, events in
 * the dead-letter queue, events waiting too long, rules failing to deliver), notifying the
 * alarm relay, and a dashboard of what it processes. Features add their own alarms and widgets
 * (`addAlarms`, `dashboard.addWidgets`): this construct knows none of them.
 *
 * @example
 * const monitoring = new SelfMonitoring(this, 'Monitoring', { function: fn, deadLetterQueue, relayDeadLetterQueue, rules, topic });
 * monitoring.addAlarms([{ id: 'ExportFailures', severity: 'warning', description: '…', metric }]);
 */
export class SelfMonitoring extends Construct {
  public readonly dashboard: Dashboard;
  private readonly factory: AlarmFactory;
  private readonly made: Alarm[] = [];

  constructor(scope: Construct, id: string, props: SelfMonitoringProps) {
    super(scope, id);
    this.factory = new AlarmFactory(this, new NotifyTopic(props.topic));
    this.addAlarms(coreAlarms(props));
    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(7) });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# ec2trail\nEC2 lifecycle events attributed, rows written, alerts sent, and the health of the pipeline.',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(...processedWidgets());
    this.dashboard.addWidgets(...healthWidgets(props));
  }

  /** Every alarm made so far, the features' included. */
  get alarms(): readonly Alarm[] {
    return this.made;
  }

  /** Adds alarms of a feature, made and notified as the core's are. */
  addAlarms(specs: readonly AlarmSpec[]): readonly Alarm[] {
    const alarms = this.factory.alarms(specs);
    this.made.push(...alarms);
    return alarms;
  }

  /** Adds dashboard widgets of a feature, on a row of their own. */
  addWidgets(...widgets: IWidget[]): void {
    this.dashboard.addWidgets(...widgets);
  }
}

/** The pipeline's own alarms: the function, its queues and the rules that feed it. */
function coreAlarms(props: SelfMonitoringProps): AlarmSpec[] {
  const eventAge = new Metric({
    namespace: 'AWS/Lambda',
    metricName: 'AsyncEventAge',
    dimensionsMap: { FunctionName: props.function.functionName },
    statistic: 'Maximum',
    period: PERIOD,
  });
  return [
    {
      id: 'FunctionErrors',
      severity: 'warning',
      description: 'the attribution function failed; events are being retried',
      metric: props.function.metricErrors({ period: PERIOD }),
    },
    {
      id: 'FunctionThrottles',
      severity: 'warning',
      description: 'the attribution function was throttled',
      metric: props.function.metricThrottles({ period: PERIOD }),
    },
    {
      id: 'DeadLettersWaiting',
      severity: 'critical',
      description:
        'events are in the dead-letter queue: they were not recorded. Replay them with ec2trail drain',
      metric: backlogOf(props.deadLetterQueue),
    },
    {
      id: 'EventAgeHigh',
      severity: 'warning',
      description: 'events wait too long before the function runs',
      metric: eventAge,
      threshold: (props.maxEventAge ?? Duration.minutes(5)).toMilliseconds(),
    },
    {
      id: 'AlarmRelayFailures',
      severity: 'critical',
      description: 'alarm notifications could not be passed on to the alert topic; see the alarm relay logs',
      metric: backlogOf(props.relayDeadLetterQueue),
    },
    ...props.rules.map(
      (rule, i): AlarmSpec => ({
        id: `RuleDeliveryFailures${i}`,
        severity: 'critical',
        description: 'EventBridge could not deliver events to the function',
        metric: new Metric({
          namespace: 'AWS/Events',
          metricName: 'FailedInvocations',
          dimensionsMap: { RuleName: rule.ruleName },
          statistic: 'Sum',
          period: PERIOD,
        }),
      }),
    ),
  ];
}

function processedWidgets(): IWidget[] {
  return [
    new GraphWidget({
      title: 'Events',
      left: [
        appMetric(METRIC.eventsProcessed, 'processed'),
        appMetric(METRIC.eventsSkipped, 'skipped'),
        appMetric(METRIC.malformedEvents, 'malformed'),
      ],
      width: 8,
    }),
    new GraphWidget({
      title: 'Rows',
      left: [
        appMetric(METRIC.recordsWritten, 'written'),
        appMetric(METRIC.duplicatesSkipped, 'duplicates skipped'),
      ],
      width: 8,
    }),
    new GraphWidget({ title: 'Alerts', left: [appMetric(METRIC.alertsPublished, 'published')], width: 8 }),
  ];
}

function healthWidgets(props: SelfMonitoringProps): IWidget[] {
  return [
    new GraphWidget({
      title: 'Errors and throttles',
      left: [
        props.function.metricErrors({ period: PERIOD }),
        props.function.metricThrottles({ period: PERIOD }),
      ],
      width: 8,
    }),
    new GraphWidget({
      title: 'Duration',
      left: [
        props.function.metricDuration({ period: PERIOD, statistic: 'p50' }),
        props.function.metricDuration({ period: PERIOD, statistic: 'p99' }),
      ],
      width: 8,
    }),
    new SingleValueWidget({
      title: 'Dead-letter queue',
      metrics: [backlogOf(props.deadLetterQueue)],
      width: 8,
    }),
  ];
}
