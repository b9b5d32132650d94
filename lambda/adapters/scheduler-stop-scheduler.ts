/**
 * Stop requests as EventBridge Scheduler one-time schedules (`at(...)`, UTC) in ec2trail's own
 * schedule group. Each deletes itself once it has run (`ActionAfterCompletion: DELETE`), and its
 * target retries and then dead-letters, so a deadline is neither lost nor kept forever.
 */

import {
  ConflictException,
  CreateScheduleCommand,
  GetScheduleCommand,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { StopRequest } from '../domain/remediation/plan';
import type { StopScheduler } from '../ports';

export interface SchedulerTarget {
  readonly groupName: string;
  /** The remediation function. */
  readonly functionArn: string;
  /** The role Scheduler assumes to invoke it. */
  readonly roleArn: string;
  /** Where an invocation that kept failing goes. */
  readonly deadLetterArn: string;
}

/** `at(2026-03-02T10:32:00)`: Scheduler's one-time expression, read in `ScheduleExpressionTimezone`. */
export function atExpression(iso: string): string {
  return `at(${new Date(iso).toISOString().slice(0, 19)})`;
}

/** The time of an `at(...)` expression in UTC, or null. */
export function timeOfAt(expression: string | undefined): string | null {
  const match = /^at\((\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\)$/.exec(expression ?? '');
  if (!match) return null;
  const ms = Date.parse(`${match[1]}Z`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export class SchedulerStopScheduler implements StopScheduler {
  constructor(
    private readonly client: SchedulerClient,
    private readonly target: SchedulerTarget,
  ) {}

  async schedule(request: StopRequest): Promise<{ at: string; created: boolean }> {
    try {
      await this.client.send(
        new CreateScheduleCommand({
          Name: request.name,
          GroupName: this.target.groupName,
          ScheduleExpression: atExpression(request.at),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Description:
            `ec2trail: stop ${request.instanceIds.length} instance(s) of launch ${request.eventKey} unless acknowledged`.slice(
              0,
              512,
            ),
          Target: {
            Arn: this.target.functionArn,
            RoleArn: this.target.roleArn,
            Input: JSON.stringify(request),
            RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
            DeadLetterConfig: { Arn: this.target.deadLetterArn },
          },
        }),
      );
      return { at: request.at, created: true };
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
      const existing = await this.client.send(
        new GetScheduleCommand({ Name: request.name, GroupName: this.target.groupName }),
      );
      return { at: timeOfAt(existing.ScheduleExpression) ?? request.at, created: false };
    }
  }
}
