/**
 * The configuration every AWS SDK client of the CLI is built with, so that every command finds
 * its region and credentials as the AWS CLI does. Endpoints are the SDK's own business: it
 * reads AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> (and the profile's endpoint_url)
 * whenever no endpoint is set here, which is why none is, except where a flag names one.
 */

import { profileSettings } from './aws-config-file';

export interface AwsOptions {
  readonly profile?: string;
  readonly region?: string;
}

/**
 * The region as the AWS CLI resolves it: `--region`, then AWS_REGION, then AWS_DEFAULT_REGION,
 * then the profile's `region`. The SDK alone skips AWS_DEFAULT_REGION, which most shells that
 * were set up for the AWS CLI export.
 */
export function resolveRegion(options: AwsOptions, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return (
    options.region ||
    env.AWS_REGION ||
    env.AWS_DEFAULT_REGION ||
    profileSettings(options.profile, env).region ||
    undefined
  );
}

/** `{ profile, region }` for an SDK client; `region` overrides the resolved one (another region's client). */
export function awsClientConfig(
  options: AwsOptions,
  region?: string,
  env: NodeJS.ProcessEnv = process.env,
): { profile?: string; region?: string } {
  const resolved = region ?? resolveRegion(options, env);
  return {
    ...(options.profile ? { profile: options.profile } : {}),
    ...(resolved ? { region: resolved } : {}),
  };
}
