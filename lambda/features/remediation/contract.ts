/**
 * What the CDK side and the function agree on for remediation in enforce mode: the build
 * constant and where the recording functions schedule stops.
 */

import * as z from 'zod/mini';
import type { SchedulerTarget } from '../../adapters/scheduler-stop-scheduler';
import { type GroupFields, type GroupReading, readGroup } from '../../settings/group';

declare global {
  interface Ec2TrailBuild {
    /** The policy remediates in enforce mode: bundles the EC2 and Scheduler clients. */
    readonly enforce: boolean;
  }
}

const arnOf = (service: string) =>
  z.string().check(z.regex(new RegExp(`^arn:aws[a-z-]*:${service}:`), `must be an ${service} ARN`));

/** Enforce mode: where the function schedules stops, and what the schedules run. */
export const SCHEDULING_SETTINGS = {
  SCHEDULE_GROUP: z.string().check(z.regex(/^[0-9A-Za-z_.-]{1,64}$/, 'must name a schedule group')),
  REMEDIATION_FUNCTION_ARN: arnOf('lambda'),
  SCHEDULER_ROLE_ARN: arnOf('iam'),
  SCHEDULE_DLQ_ARN: arnOf('sqs'),
} satisfies GroupFields;

/** Where stops are scheduled, from a function's environment; null outside enforce mode. */
export function readScheduling(
  env: Readonly<Record<string, string | undefined>>,
): GroupReading<SchedulerTarget> {
  return readGroup(SCHEDULING_SETTINGS, env, (values) => ({
    groupName: values.SCHEDULE_GROUP,
    functionArn: values.REMEDIATION_FUNCTION_ARN,
    roleArn: values.SCHEDULER_ROLE_ARN,
    deadLetterArn: values.SCHEDULE_DLQ_ARN,
  }));
}
