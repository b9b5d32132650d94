import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IRule } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { alarmDescription } from '../../lambda/domain/alarm';
import type { Severity } from '../../lambda/domain/policy/schema';
import { METRIC, METRICS_NAMESPACE } from '../../lambda/telemetry';

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
  /** The function writes owner tags: alarm when it could not. @default false */
  readonly ownerTags?: boolean;
  /** Violations go to the event bus: alarm when the bus refused one. @default false */
  readonly violationEvents?: boolean;
  /** Violations become Security Hub findings: alarm when Security Hub refused one. @default false */
  readonly securityHub?: boolean;
  /** Remediation in enforce mode: alarm on its failures and on deadlines that could not run. @default undefined */
  readonly remediation?: { readonly function: IFunction; readonly deadLetterQueue: IQueue };
  /** Scheduled digests: alarm when a run could not publish after its retries. @default undefined */
  readonly digests?: { readonly deadLetterQueue: IQueue };
}

/**
 * Alarms that say when ec2trail itself is failing (function errors and throttles, events in
 * the dead-letter queue, events waiting too long, rules failing to deliver), notifying the
 * alert topic, and a dashboard of what it processes.
 */
export class SelfMonitoring extends Construct {
  public readonly alarms: readonly Alarm[];
  public readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: SelfMonitoringProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const appMetric = (name: string, label: string): IMetric =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { service: 'ec2trail' },
        statistic: 'Sum',
        period,
        label,
      });
    const eventAge = new Metric({
      namespace: 'AWS/Lambda',
      metricName: 'AsyncEventAge',
      dimensionsMap: { FunctionName: props.function.functionName },
      statistic: 'Maximum',
      period,
    });

    const alarm = (
      alarmId: string,
      severity: Severity,
      description: string,
      metric: IMetric,
      threshold: number,
    ) =>
      new Alarm(this, alarmId, {
        alarmDescription: alarmDescription(severity, description),
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    const alarms = [
      alarm(
        'FunctionErrors',
        'warning',
        'the attribution function failed; events are being retried',
        props.function.metricErrors({ period }),
        1,
      ),
      alarm(
        'FunctionThrottles',
        'warning',
        'the attribution function was throttled',
        props.function.metricThrottles({ period }),
        1,
      ),
      alarm(
        'DeadLettersWaiting',
        'critical',
        'events are in the dead-letter queue: they were not recorded. Replay them with ec2trail drain',
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        1,
      ),
      alarm(
        'EventAgeHigh',
        'warning',
        'events wait too long before the function runs',
        eventAge,
        (props.maxEventAge ?? Duration.minutes(5)).toMilliseconds(),
      ),
      alarm(
        'AlarmRelayFailures',
        'critical',
        'alarm notifications could not be passed on to the alert topic; see the alarm relay logs',
        props.relayDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        1,
      ),
      ...(props.violationEvents
        ? [
            alarm(
              'ViolationEventFailures',
              'warning',
              "a violation could not be put on the event bus (rows and alerts are unaffected); see the function's logs",
              appMetric(METRIC.violationEventFailures, 'violation event failures'),
              1,
            ),
          ]
        : []),
      ...(props.securityHub
        ? [
            alarm(
              'FindingImportFailures',
              'warning',
              "a finding could not be imported into or archived in Security Hub (rows and alerts are unaffected); see the function's logs",
              appMetric(METRIC.findingImportFailures, 'finding import failures'),
              1,
            ),
          ]
        : []),
      ...(props.ownerTags
        ? [
            alarm(
              'OwnerTagFailures',
              'warning',
              "owner tags could not be written on a launch (rows and alerts are unaffected); see the function's logs",
              appMetric(METRIC.ownerTagFailures, 'owner tag failures'),
              1,
            ),
          ]
        : []),
      ...(props.remediation
        ? [
            alarm(
              'RemediationFailures',
              'warning',
              'a remediation step failed (tag, schedule, describe, stop or row): what was not done is said in the alert and the logs',
              appMetric(METRIC.remediationFailures, 'remediation failures'),
              1,
            ),
            alarm(
              'RemediationFunctionErrors',
              'warning',
              'the remediation function failed at a deadline; Scheduler retries it',
              props.remediation.function.metricErrors({ period }),
              1,
            ),
            alarm(
              'RemediationDeadLetters',
              'critical',
              'a deadline could not be run after its retries: those instances were not judged; see the remediation dead-letter queue',
              props.remediation.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
                period,
                statistic: 'Maximum',
              }),
              1,
            ),
          ]
        : []),
      ...(props.digests
        ? [
            alarm(
              'DigestDeadLetters',
              'warning',
              'a scheduled digest failed after its retries and was not (fully) sent; see the digest dead-letter queue and the digest function logs',
              props.digests.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
                period,
                statistic: 'Maximum',
              }),
              1,
            ),
          ]
        : []),
      ...props.rules.map((rule, i) =>
        alarm(
          `RuleDeliveryFailures${i}`,
          'critical',
          'EventBridge could not deliver events to the function',
          new Metric({
            namespace: 'AWS/Events',
            metricName: 'FailedInvocations',
            dimensionsMap: { RuleName: rule.ruleName },
            statistic: 'Sum',
            period,
          }),
          1,
        ),
      ),
    ];
    for (const a of alarms) a.addAlarmAction(new SnsAction(props.topic));
    this.alarms = alarms;

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(7) });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# ec2trail\nEC2 lifecycle events attributed, rows written, alerts sent, and the health of the pipeline.',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
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
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Errors and throttles',
        left: [props.function.metricErrors({ period }), props.function.metricThrottles({ period })],
        width: 8,
      }),
      new GraphWidget({
        title: 'Duration',
        left: [
          props.function.metricDuration({ period, statistic: 'p50' }),
          props.function.metricDuration({ period, statistic: 'p99' }),
        ],
        width: 8,
      }),
      new SingleValueWidget({
        title: 'Dead-letter queue',
        metrics: [
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        ],
        width: 8,
      }),
    );
    if (props.remediation)
      this.dashboard.addWidgets(
        new GraphWidget({
          title: 'Remediation',
          left: [
            appMetric(METRIC.instancesRemediationTagged, 'instances marked'),
            appMetric(METRIC.stopsScheduled, 'stops scheduled'),
            appMetric(METRIC.instancesStopped, 'instances stopped'),
            appMetric(METRIC.remediationFailures, 'failures'),
          ],
          width: 24,
        }),
      );
  }
}
