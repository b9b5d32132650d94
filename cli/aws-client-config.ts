/**
 * The one place the CLI configures its AWS SDK clients, so every command finds its region,
 * credentials and endpoint as the AWS CLI does, and `--profile`, `--region` and
 * `--endpoint-url` reach every client a command builds.
 *
 * Endpoints: `--endpoint-url` is the endpoint of every service a command calls, as the AWS CLI's
 * flag beats every variable: a replay pointed at an emulator never publishes to a real topic.
 * Without the flag the SDK reads AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL and the profile's
 * endpoint_url itself, which is how services go to different emulators.
 */

import { profileSettings } from './aws-config-file';

export interface AwsOptions {
  readonly profile?: string | undefined;
  readonly region?: string | undefined;
  /** Every service's endpoint (the AWS CLI's `--endpoint-url`). */
  readonly endpointUrl?: string | undefined;
}

/** The services the CLI calls. */
export type CliService =
  | 'cloudformation'
  | 'cloudtrail'
  | 'cloudwatch'
  | 'dynamodb'
  | 'ec2'
  | 'eventbridge'
  | 'lambda'
  | 'organizations'
  | 'pricing'
  | 's3'
  | 'sfn'
  | 'sns'
  | 'sqs'
  | 'sts';

/** Credentials an emulator accepts: used only with `--endpoint-url` and no credentials of the user's. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** The region an emulator answers in when none is set. */
export const EMULATOR_REGION = 'us-east-1';

/**
 * How many attempts a service's calls get, where the SDK's 3 (its standard mode backs off with
 * jitter) are not right: owner tags on a replay's history meet EC2's request limits, and a
 * throttle there should slow the replay, not end it. Event history's callers pace their own
 * requests at its 2 a second and retry a throttle themselves: an SDK retry would go out at once,
 * outside that pace.
 */
const ATTEMPTS: Partial<Record<CliService, number>> = { ec2: 5, cloudtrail: 1 };

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

/** What an SDK client of the CLI is built with. */
export interface CliClientConfig {
  profile?: string;
  region?: string;
  endpoint?: string;
  credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  maxAttempts?: number;
}

/**
 * The configuration of `service`'s client; `region` overrides the resolved one (another
 * region's client).
 */
export function awsClientConfig(
  service: CliService,
  options: AwsOptions,
  region?: string,
  env: NodeJS.ProcessEnv = process.env,
): CliClientConfig {
  const endpoint = options.endpointUrl || undefined;
  const resolved = region ?? resolveRegion(options, env) ?? (endpoint ? EMULATOR_REGION : undefined);
  // An emulator accepts any credentials; the default chain would fail without any.
  const anonymous = endpoint && !env.AWS_ACCESS_KEY_ID && !options.profile && !env.AWS_PROFILE;
  const attempts = ATTEMPTS[service];
  return {
    ...(options.profile ? { profile: options.profile } : {}),
    ...(resolved ? { region: resolved } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(anonymous ? { credentials: EMULATOR_CREDENTIALS } : {}),
    ...(attempts ? { maxAttempts: attempts } : {}),
  };
}

/** The clients a command builds, kept so it can destroy them all when it ends. */
export function clientKeeper(): {
  readonly keep: <C extends { destroy(): void }>(made: C) => C;
  readonly destroyAll: () => void;
} {
  const made: { destroy(): void }[] = [];
  return {
    keep: (client) => {
      made.push(client);
      return client;
    },
    destroyAll: () => {
      for (const client of made) client.destroy();
    },
  };
}
