import { type AlarmSpec, appMetric } from '../monitoring/alarms';

/**
 * The alarm of an action beside the row and the alert that could not be done: a warning, since
 * the row and the alert are unaffected.
 */
export function actionFailureAlarm(id: string, metric: string, label: string, what: string): AlarmSpec {
  return {
    id,
    severity: 'warning',
    description: `${what} (rows and alerts are unaffected); see the function's logs`,
    metric: appMetric(metric, label),
  };
}
