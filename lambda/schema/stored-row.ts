/** Rows read back from the attribution table, checked at the boundary before the CLI shows them. */

import { z } from 'zod';
import { LIFECYCLE_ACTIONS, REMEDIATE, SERVICE_CHANGE, TRAIL_ACTIONS } from '../domain/actions';
import { IDENTITY_TYPES } from '../domain/identity';
import { isObject } from '../domain/json';
import { RESOURCE_TYPES } from '../domain/lineage/resources';
import { NO_INSTANCE_PREFIX, TRAIL_PREFIX } from './attribution-table';
import { restoreRow } from './row-codec';

const nullableString = z.string().nullable().catch(null);

/** The record fields of a row; key attributes other than the instance and time are dropped. */
export const StoredRowSchema = z.object({
  instanceId: z.string(),
  eventTimeId: z.string(),
  eventId: nullableString,
  eventKey: z.string(),
  eventTime: nullableString,
  eventName: z.string(),
  eventSource: z.string().catch(''),
  requestId: nullableString.optional(),
  action: z.enum([...LIFECYCLE_ACTIONS, ...TRAIL_ACTIONS, SERVICE_CHANGE, REMEDIATE]),
  trail: nullableString.optional(),
  account: nullableString,
  region: nullableString,
  outcome: z.enum(['success', 'failed']),
  errorCode: nullableString,
  errorMessage: nullableString.optional(),
  actor: z
    .object({
      type: z.enum(IDENTITY_TYPES).catch('Unknown'),
      kind: z.string().catch('unknown'),
      arn: nullableString,
      name: nullableString,
      mfaAuthenticated: z.boolean().nullable().catch(null),
      viaConsole: z.boolean().nullable().catch(null),
    })
    .loose(),
  source: z
    .object({
      ip: nullableString,
      userAgent: nullableString,
      tool: z.string().catch('unknown'),
      sdkLanguage: nullableString.optional(),
    })
    .loose(),
  launch: z.record(z.string(), z.unknown()).nullable().catch(null),
  instanceState: z
    .object({ previous: nullableString, current: nullableString })
    .nullable()
    .catch(null)
    .optional(),
  // Rows written before services were followed have none of these: null, as for a direct call.
  via: z
    .object({
      service: z.string(),
      resourceType: z.enum(RESOURCE_TYPES).catch('other'),
      resourceId: nullableString,
    })
    .nullable()
    .catch(null),
  initiator: z
    .object({
      arn: nullableString,
      name: nullableString,
      kind: z.string().catch('unknown'),
      eventId: nullableString,
      eventName: z.string().catch(''),
      eventTime: nullableString,
      quotaSubject: nullableString.optional(),
      viaConsole: z.boolean().nullable().optional().catch(null),
      mfaAuthenticated: z.boolean().nullable().optional().catch(null),
      mfaKnown: z.boolean().nullable().optional().catch(null),
      verified: z.boolean().nullable().optional().catch(null),
      resourceType: nullableString.optional(),
      resourceId: nullableString.optional(),
    })
    .nullable()
    .catch(null),
  initiatorReason: nullableString,
  warnings: z.array(z.string()).catch([]),
  ingestedBy: z.enum(['live', 'trail', 'replay', 'backfill']).catch('live'),
  /** ec2trail's own rows (`action: "remediate"`): what it did and why. */
  remediation: z.record(z.string(), z.unknown()).optional().catch(undefined),
  recordedAt: nullableString.optional(),
});

/** A stored row as a record again: `instanceId` is null for calls that touched no instance. */
export type StoredRow = Omit<z.infer<typeof StoredRowSchema>, 'instanceId'> & {
  readonly instanceId: string | null;
};

/** Checks a row read from the table; null when it is not an attribution row (an alert marker, say). */
export function parseStoredRow(item: unknown): StoredRow | null {
  if (!isObject(item)) return null;
  const result = StoredRowSchema.safeParse(restoreRow(item));
  if (!result.success) return null;
  const row = result.data;
  const noInstance = row.instanceId.startsWith(NO_INSTANCE_PREFIX) || row.instanceId.startsWith(TRAIL_PREFIX);
  return { ...row, instanceId: noInstance ? null : row.instanceId };
}
