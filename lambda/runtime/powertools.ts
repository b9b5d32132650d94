/** The Powertools logger and metrics every function uses, named for the function. */

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../telemetry';

/** The logger of one function. */
export function loggerOf(serviceName: string): Logger {
  return new Logger({ serviceName });
}

/** The logger and metrics of one function; all ec2trail metrics share one namespace and service. */
export function telemetryOf(serviceName: string): { readonly logger: Logger; readonly metrics: Metrics } {
  return {
    logger: loggerOf(serviceName),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'ec2trail' }),
  };
}
