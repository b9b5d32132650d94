import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  SingleValueWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { alarmDescription } from '../../lambda/domain/alarm';
import type { Severity } from '../../lambda/domain/policy/schema';
import { METRIC, METRICS_NAMESPACE } from '../../lambda/telemetry';

export interface TrailPathMonitoringProps {
  readonly reader: IFunction;
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly backfill?: IStateMachine | undefined;
  /** The dashboard the trail path's widgets join. */
  readonly dashboard: Dashboard;
  /** Where alarms notify (the alarm relay's topic). */
  readonly topic: ITopic;
}

/**
 * The trail path's health: an alarm as soon as one event had to be recovered from the log files
 * (EventBridge missed it), alarms when log files cannot be read or wait too long, and the
 * recovered count and the trail's lag on the dashboard.
 */
export class TrailPathMonitoring extends Construct {
  public readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: TrailPathMonitoringProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const appMetric = (name: string, label: string, statistic = 'Sum'): IMetric =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { service: 'ec2trail' },
        statistic,
        period,
        label,
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
    const recovered = appMetric(METRIC.eventsRecoveredFromTrail, 'recovered from the trail');
    const alarms = [
      alarm(
        'UntrustedTrailObjects',
        'warning',
        "log files that CloudTrail did not deliver lately reached the trail bucket (written by another requester, or an old file copied in): they were not read. The trail-file function's logs name each file and its writer",
        appMetric(METRIC.untrustedTrailObjects, 'not read: not a CloudTrail delivery'),
        1,
      ),
      alarm(
        'EventsRecovered',
        'warning',
        'EventBridge did not deliver some EC2 events; they were recovered from the trail log files and recorded (and alerted) late',
        recovered,
        1,
      ),
      alarm(
        'TrailFilesDeadLettered',
        'critical',
        "trail log files could not be read after five tries: their events may be missing. See the trail-file function's logs, fix the cause, then redrive the trail-file dead-letter queue",
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        1,
      ),
      alarm(
        'TrailFilesWaiting',
        'warning',
        'trail log files have waited more than an hour to be read',
        props.queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' }),
        3600,
      ),
      alarm(
        'TrailReaderErrors',
        'warning',
        'the trail-file function failed; its files are being retried',
        props.reader.metricErrors({ period }),
        1,
      ),
      ...(props.backfill
        ? [
            alarm(
              'BackfillFailed',
              'warning',
              'a backfill execution failed; `ec2trail backfill` with the same options resumes it',
              props.backfill.metricFailed({ period }),
              1,
            ),
          ]
        : []),
    ];
    for (const a of alarms) a.addAlarmAction(new SnsAction(props.topic));
    this.alarms = alarms;

    props.dashboard.addWidgets(
      new GraphWidget({
        title: 'Recovered from the trail (EventBridge missed them)',
        left: [recovered],
        width: 8,
      }),
      new GraphWidget({
        title: 'Trail lag (s): newest event of a log file to its reading',
        left: [
          appMetric(METRIC.trailLagSeconds, 'average', 'Average'),
          appMetric(METRIC.trailLagSeconds, 'maximum', 'Maximum'),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Trail log files',
        left: [appMetric(METRIC.trailFilesRead, 'read'), appMetric(METRIC.trailFileFailures, 'failed')],
        right: [props.queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' })],
        width: 8,
      }),
    );
    props.dashboard.addWidgets(
      new SingleValueWidget({
        title: 'Trail files dead-lettered',
        metrics: [
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Backfilled events',
        left: [appMetric(METRIC.eventsBackfilled, 'written by backfill')],
        width: 8,
      }),
    );
  }
}
