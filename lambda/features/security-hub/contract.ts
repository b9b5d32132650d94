/**
 * What the CDK side and the function agree on for Security Hub findings (config `securityHub`):
 * the build constant, the setting and the metric names.
 */

import * as z from 'zod/mini';
import { type FindingTarget, findingTargetOf } from '../../domain/security-hub/target';
import { type GroupFields, type GroupReading, readGroup } from '../../settings/group';

declare global {
  interface Ec2TrailBuild {
    /** Import each alerted violation into Security Hub: bundles the Security Hub client. */
    readonly securityHub: boolean;
  }
}

export const SECURITY_HUB_SETTINGS = {
  /** The deploy's default product ARN, where findings are imported. */
  SECURITY_HUB_PRODUCT_ARN: z
    .string()
    .check(
      z.refine(
        (arn) => findingTargetOf(arn) !== null,
        "must be an account's default product ARN (arn:aws:securityhub:<region>:<account>:product/<account>/default)",
      ),
    ),
} satisfies GroupFields;

/** Where findings go, from a function's environment; null when Security Hub is off. */
export function readSecurityHubSettings(
  env: Readonly<Record<string, string | undefined>>,
): GroupReading<FindingTarget | null> {
  return readGroup(SECURITY_HUB_SETTINGS, env, (values) => findingTargetOf(values.SECURITY_HUB_PRODUCT_ARN));
}

export const SECURITY_HUB_METRICS = {
  /** Findings Security Hub accepted (created, updated or archived). */
  imported: 'FindingsImported',
  /** Findings Security Hub refused or never got, and launches whose findings could not be archived: alarmed. */
  failures: 'FindingImportFailures',
} as const;
