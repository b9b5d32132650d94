/**
 * The trail path (config `trail`): the trail's log files in S3 read as a second path, which
 * records what EventBridge missed and can backfill history. Its function acts on recovered
 * launches as the live one does, with every other feature's part. Runtime: lambda/trail/.
 */

import { Stack } from 'aws-cdk-lib';
import { writesLegacyKeys } from '../../../lambda/schema/table-definition';
import type { Ec2TrailFeature, FeaturePart } from '../feature';
import { TrailPath } from './trail-path';

/** The trail path's part: the path, once the core is built. */
export interface TrailPathPart extends FeaturePart {
  /** The queue, the reader, the backfill, their alarms; absent until complete. */
  readonly path: () => TrailPath | undefined;
}

/** The trail path's CDK part: built once the dashboard and the other features' parts exist. */
export const trailPath: Ec2TrailFeature<TrailPathPart> = {
  name: 'trailPath',
  attach: ({ config }) => {
    const trail = config.trail;
    if (!trail) return null;
    let path: TrailPath | undefined;
    return {
      path: () => path,
      complete: (built) => {
        path = new TrailPath(built.scope, 'TrailPath', {
          trail,
          homeAccount: config.account,
          homeRegion: config.region,
          stackName: Stack.of(built.scope).stackName,
          table: built.table,
          topic: built.topic,
          deadLetterQueue: built.deadLetterQueue,
          policy: built.policy,
          logRetention: built.logRetention,
          retentionDays: config.retentionDays,
          legacyKeys: writesLegacyKeys(config.tableMove?.step),
          dashboard: built.monitoring.dashboard,
          launchActions: built.parts,
          alarmTopic: built.alarmTopic,
        });
      },
      recordingRoles: () => (path ? [path.reader.role] : []),
    };
  },
};
