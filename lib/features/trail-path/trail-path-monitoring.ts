import {
  type Alarm,
  type Dashboard,
  GraphWidget,
  type IMetric,
  SingleValueWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRIC } from '../../../lambda/telemetry';
import {
  AlarmFactory,
  type AlarmSpec,
  appMetric,
  backlogOf,
  NotifyTopic,
  PERIOD,
} from '../../monitoring/alarms';
/** What the trail path's alarms and widgets watch. */
export interface TrailPathMonitoringProps {
  /** The trail-file function. */
  readonly reader: IFunction;
  /** The queue of new log files. */
  readonly queue: IQueue;
  /** Log files that could not be read after five tries. */
  readonly deadLetterQueue: IQueue;
  /** The backfill state machine. @default undefined: no backfill alarm */
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
    const recovered = appMetric(METRIC.eventsRecoveredFromTrail, 'recovered from the trail');
    this.alarms = new AlarmFactory(this, new NotifyTopic(props.topic)).alarms(
      trailPathAlarms(props, recovered),
    );
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
        right: [props.queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' })],
        width: 8,
      }),
    );
    props.dashboard.addWidgets(
      new SingleValueWidget({
        title: 'Trail files dead-lettered',
        metrics: [backlogOf(props.deadLetterQueue)],
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

/** The trail path's alarms: untrusted files, recovered events, files that cannot be read or wait. */
function trailPathAlarms(props: TrailPathMonitoringProps, recovered: IMetric): AlarmSpec[] {
  return [
    {
      id: 'UntrustedTrailObjects',
      severity: 'warning',
      description:
        "log files that CloudTrail did not deliver lately reached the trail bucket (written by another requester, or an old file copied in): they were not read. The trail-file function's logs name each file and its writer",
      metric: appMetric(METRIC.untrustedTrailObjects, 'not read: not a CloudTrail delivery'),
    },
    {
      id: 'EventsRecovered',
      severity: 'warning',
      description:
        'EventBridge did not deliver some EC2 events; they were recovered from the trail log files and recorded (and alerted) late',
      metric: recovered,
    },
    {
      id: 'TrailFilesDeadLettered',
      severity: 'critical',
      description:
        "trail log files could not be read after five tries: their events may be missing. See the trail-file function's logs, fix the cause, then redrive the trail-file dead-letter queue",
      metric: backlogOf(props.deadLetterQueue),
    },
    {
      id: 'TrailFilesWaiting',
      severity: 'warning',
      description: 'trail log files have waited more than an hour to be read',
      metric: props.queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' }),
      threshold: 3600,
    },
    {
      id: 'TrailReaderErrors',
      severity: 'warning',
      description: 'the trail-file function failed; its files are being retried',
      metric: props.reader.metricErrors({ period: PERIOD }),
    },
    ...(props.backfill
      ? [
          {
            id: 'BackfillFailed',
            severity: 'warning' as const,
            description: 'a backfill execution failed; `ec2trail backfill` with the same options resumes it',
            metric: props.backfill.metricFailed({ period: PERIOD }),
          },
        ]
      : []),
  ];
}
