/**
 * Digests (config `digests`): a scheduled function that sums up the table daily or weekly, for
 * the team and, with `people`, for each person. Runtime: lambda/digest/.
 */

import type { Ec2TrailFeature, FeaturePart } from '../feature';
import { DigestSchedule, digestAlarms } from './digest-schedule';

/** The digests' part: the scheduled function and its schedules. */
export interface DigestsPart extends FeaturePart {
  readonly schedule: DigestSchedule;
}

/** The digests' CDK part: the schedule, the function, their alarms. */
export const digests: Ec2TrailFeature<DigestsPart> = {
  name: 'digests',
  attach: ({ config, scope, table, topic, logRetention }) => {
    const digests = config.digests;
    if (!digests) return null;
    const schedule = new DigestSchedule(scope, 'Digests', {
      digests,
      table,
      topic,
      personal: digests.people && config.people !== undefined,
      chatNotifications: config.chat !== undefined,
      logRetention,
    });
    return { schedule, monitor: (monitoring) => monitoring.addAlarms(digestAlarms(schedule)) };
  },
};
