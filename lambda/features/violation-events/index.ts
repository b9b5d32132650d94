/**
 * Violation events: each alerted violation put on the default event bus for other tools, by the
 * invocation that holds the alert's claim, before it publishes (so at least once). A refusal is
 * logged, counted and alarmed; it never holds back the alert.
 */

import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { violationEvent } from '../../domain/violation-event';
import type { LaunchActionFactory } from '../../pipeline/launch-action';
import type { RuntimeFeature } from '../feature';
import { VIOLATION_EVENT_METRICS } from './contract';
import { EventBridgeViolationBus } from './event-bus';
import type { ViolationBus } from './port';

/** PutEvents: the SDK's standard retries ride out a throttle. */
const ATTEMPTS = 3;

/** Puts each claimed alert's violations on `bus`. */
export function violationEventAction(bus: ViolationBus): LaunchActionFactory {
  return ({ logger, metrics }) => ({
    async beforeAlert({ about, violations }) {
      try {
        await bus.put(violationEvent(about, violations));
        metrics.addMetric(VIOLATION_EVENT_METRICS.put, 'Count', 1);
      } catch (error) {
        metrics.addMetric(VIOLATION_EVENT_METRICS.failures, 'Count', 1);
        logger.error('Violation event not put on the bus: the row and the alert are unaffected', {
          eventKey: about[0]?.eventKey,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
      }
      return null;
    },
  });
}

export const violationEvents: RuntimeFeature = {
  name: 'violationEvents',
  built: () => ({ violationEvents: EC2TRAIL_BUILD.violationEvents }),
  problems: () => [],
  action: () =>
    EC2TRAIL_BUILD.violationEvents
      ? violationEventAction(new EventBridgeViolationBus(new EventBridgeClient({ maxAttempts: ATTEMPTS })))
      : null,
};
