/**
 * Violation events (config `violationEvents`): each alerted violation put on this region's
 * default event bus, for other tools to route. Runtime: lambda/features/violation-events/.
 */

import { Stack } from 'aws-cdk-lib';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { VIOLATION_SOURCE } from '../../../lambda/domain/violation-event';
import { VIOLATION_EVENT_METRICS } from '../../../lambda/features/violation-events/contract';
import { actionFailureAlarm } from '../failure-alarm';
import type { Ec2TrailFeature } from '../feature';

/**
 * PutEvents on this region's default bus, and only events whose source is ec2trail
 * (`events:source`), so the role cannot pose as an AWS service or another application.
 */
export function grantViolationEvents(role: IRole): void {
  const stack = Stack.of(role);
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'PutViolationEvents',
      actions: ['events:PutEvents'],
      resources: [stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' })],
      conditions: { StringEquals: { 'events:source': VIOLATION_SOURCE } },
    }),
  );
}

/** Violation events' CDK part: the PutEvents grant and the failure alarm. */
export const violationEvents: Ec2TrailFeature = {
  name: 'violationEvents',
  attach: ({ config }) =>
    config.violationEvents
      ? {
          build: { violationEvents: true },
          grant: grantViolationEvents,
          monitor: (monitoring) =>
            monitoring.addAlarms([
              actionFailureAlarm(
                'ViolationEventFailures',
                VIOLATION_EVENT_METRICS.failures,
                'violation event failures',
                'a violation could not be put on the event bus',
              ),
            ]),
        }
      : null,
};
