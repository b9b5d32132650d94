/**
 * What the CDK side and the function agree on for owner tags (config `ownerTags`): the build
 * constant, the member-account settings and the metric names.
 */

import * as z from 'zod/mini';
import type { OwnerTagSettings } from '../../domain/owner-tags';
import { type GroupFields, type GroupReading, readGroup } from '../../settings/group';

declare global {
  interface Ec2TrailBuild {
    /** Owner tags to write, or null: the EC2 and STS clients are bundled only with settings. */
    readonly ownerTags: OwnerTagSettings | null;
  }
}

/** The partitions a deploy can run in. */
const Partition = z.enum([
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
]);

/** Owner tags in member accounts: the role to assume there, and how. */
export const MEMBER_TAGGING_SETTINGS = {
  MEMBER_TAG_ROLE: z.string().check(z.regex(/^[\w+=,.@-]{1,64}$/, 'must be a role name')),
  MEMBER_TAG_EXTERNAL_ID: z.string().check(z.regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be an external id')),
  PARTITION: Partition,
} satisfies GroupFields;

/** The member accounts' owner-tag role, from a function's environment; null for the home account only. */
export function readMemberTagging(env: Readonly<Record<string, string | undefined>>): GroupReading<{
  readonly roleName: string;
  readonly externalId: string;
  readonly partition: string;
}> {
  return readGroup(MEMBER_TAGGING_SETTINGS, env, (values) => ({
    roleName: values.MEMBER_TAG_ROLE,
    externalId: values.MEMBER_TAG_EXTERNAL_ID,
    partition: values.PARTITION,
  }));
}

export const OWNER_TAG_METRICS = {
  /** Resource-tag pairs of owner tags written. */
  written: 'OwnerTagsWritten',
  /** Owner tags left alone: the resource had the key already and `overwrite` is off. */
  kept: 'OwnerTagsKept',
  /** Launches whose owner tags could not all be written after the retries: alarmed. */
  failures: 'OwnerTagFailures',
} as const;
