/**
 * Owner tags: the person behind a launch written as tags on what it created, in the home
 * account, and in member accounts through their owner-tag role when the deploy has it.
 */

import { homeAccountEc2 } from '../../adapters/ec2-clients';
import { ec2Client, stsClient } from '../../runtime/clients';
import type { FeatureContext, RuntimeFeature } from '../feature';
import { readMemberTagging as memberRoleOf } from './contract';
import { Ec2OwnerTagger } from './ec2-owner-tagger';
import { memberAccountEc2 } from './member-account-ec2';
import { ownerTagAction } from './tagging';

export const ownerTags: RuntimeFeature = {
  name: 'ownerTags',
  built: () => ({ ownerTags: EC2TRAIL_BUILD.ownerTags }),
  problems({ env, settings }, build) {
    const { problems } = memberRoleOf(env);
    return build.ownerTags != null && settings.homeAccount === null
      ? [...problems, 'HOME_ACCOUNT: owner tags are written in the home account only, and it is not set']
      : problems;
  },
  // The build constant itself in the condition: esbuild folds it and drops the EC2 and STS clients.
  action: (context) =>
    EC2TRAIL_BUILD.ownerTags !== null ? tagging(EC2TRAIL_BUILD.ownerTags, context) : null,
};

function tagging(settings: NonNullable<typeof EC2TRAIL_BUILD.ownerTags>, context: FeatureContext) {
  const home = context.settings.homeAccount;
  if (home === null) return null;
  const member = memberRoleOf(context.env).value;
  const clientFor = member
    ? memberAccountEc2({
        homeAccount: home,
        role: member,
        sts: stsClient(),
        make: (region, credentials) => ec2Client(region, credentials),
      })
    : homeAccountEc2(home, (region) => ec2Client(region));
  return ownerTagAction({
    settings,
    tagger: new Ec2OwnerTagger({ clientFor, overwrite: settings.overwrite }),
  });
}
