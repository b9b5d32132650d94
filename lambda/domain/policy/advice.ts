/**
 * What the person who broke a rule should do about it. The policy's `advice` for a rule wins;
 * these defaults say the usual fix and the way out (an exemption) for each rule, so an alert
 * addressed to a person never stops at "you broke X".
 */

import type { RuleId } from './schema';

export const DEFAULT_ADVICE: Readonly<Record<RuleId, string>> = {
  instanceType:
    'Relaunch on an allowed instance type (stop the instance, change its type, start it again), or ask for an exemption if this workload needs this type.',
  maxInstancesPerLaunch:
    'Terminate the instances you do not need, and launch large fleets in smaller batches or through an Auto Scaling group that is exempt.',
  requiredTags:
    'Add the missing tags to the instance and its volumes now (EC2 console: Tags, Manage tags), and add them to the launch template or script so the next launch has them.',
  allowedRegions:
    'Terminate the instance if it is not meant to be there and relaunch it in an allowed region; if it must stay, ask for the region to be allowed.',
  ami: 'Relaunch from an approved image (AMI), or ask for this image to be allowed.',
  imdsv2Required:
    'Require IMDSv2: aws ec2 modify-instance-metadata-options --instance-id <id> --http-tokens required, and set MetadataOptions HttpTokens=required in the launch template.',
  publicIpForbidden:
    'Remove the public address (relaunch in a private subnet, or disassociate the Elastic IP) and reach the instance through Session Manager or a load balancer.',
  unencryptedVolumesForbidden:
    'Replace the unencrypted volumes with encrypted copies (snapshot, copy with encryption, swap), and turn on EBS encryption by default for the region.',
  rootUser:
    'Stop using the root user for day-to-day work: sign in as an IAM Identity Center or IAM user, and check the root user has MFA and no access keys.',
  consoleWithoutMfa:
    'Turn on MFA for this sign-in, then sign out and back in with MFA before launching again.',
  allowedLaunchers:
    'Launch through an approved role or pipeline; if this caller should be allowed, ask for it to be added to the policy.',
  launchHours:
    'Check the launch was expected; for planned out-of-hours work, ask for an exemption tag on the launch.',
  failedAttempts:
    'Check whether the caller meant to launch: repeated refused calls can be a misconfigured tool or someone probing their permissions.',
  protectedInstances:
    'Check with the instance owner that the stop or termination was intended; if it was not, start or restore the instance at once.',
  launchQuota:
    'Terminate the instances you do not need; if a larger fleet is planned, ask for a higher quota or an exemption.',
  trailTampering:
    'Treat this as a security incident: restore the trail logging at once and find out who changed it and why.',
  serviceLaunches:
    'Check which person or pipeline asked the service for this change; nothing needs doing if it was expected.',
};

/** The advice for each rule: the policy's own text, else the default. */
export function adviceFor(
  configured: Partial<Readonly<Record<RuleId, string | undefined>>>,
): Readonly<Record<RuleId, string>> {
  const advice = { ...DEFAULT_ADVICE };
  for (const [id, text] of Object.entries(configured) as [RuleId, string | undefined][]) {
    const trimmed = text?.trim();
    if (trimmed) advice[id] = trimmed;
  }
  return advice;
}
