/**
 * What a recording function (live or trail-file) is built with beside its own settings: the
 * environment, bundle constants and permissions of every feature the deploy turned on
 * (lib/features/). Both functions take the same parts, so an event either path records is acted
 * on alike.
 */

import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { BuildConstants } from '../../lambda/settings/build';
import type { SettingsInput } from '../../lambda/settings/functions';
import { BUILD_WHEN_OFF } from '../features';
import type { LaunchActions } from '../features/feature';

/** A recording function's environment: its own settings and its features'. */
export type RecordingEnvironment = SettingsInput<'trailFile'> & Readonly<Record<string, string>>;

/** The settings every recording function reads (its table, topic, retention) and its features'. */
export function recordingEnvironment(
  fn: Construct,
  props: {
    readonly table: ITable;
    readonly topic: ITopic;
    /** Days to keep rows. @default undefined: forever */
    readonly retentionDays?: number | undefined;
    /** The features' parts. @default none */
    readonly launchActions?: LaunchActions | undefined;
    /** Rows carry the legacy indexes' keys too (steps 1 and 2 of a table move). @default false */
    readonly legacyKeys?: boolean | undefined;
  },
): RecordingEnvironment {
  const features = (props.launchActions ?? []).map((part) => part.environment?.(fn) ?? {});
  return {
    ...Object.assign({}, ...features),
    TABLE_NAME: props.table.tableName,
    TOPIC_ARN: props.topic.topicArn,
    ...(props.retentionDays !== undefined ? { RETENTION_DAYS: String(props.retentionDays) } : {}),
    ...(props.legacyKeys ? { ROW_KEYS: 'with-legacy' as const } : {}),
  };
}

/**
 * The features' bundle constants: each feature that is off keeps its value when off, so its code
 * and its SDK client stay out of the bundle.
 */
export function launchActionDefines(
  parts: LaunchActions | undefined,
): Omit<BuildConstants, 'policy' | 'accountNames'> {
  return Object.assign({ ...BUILD_WHEN_OFF }, ...(parts ?? []).map((part) => part.build ?? {}));
}

/** The permissions the features need, each limited as its grant says. */
export function grantLaunchActions(role: IRole, parts: LaunchActions | undefined): void {
  for (const part of parts ?? []) part.grant?.(role);
}
