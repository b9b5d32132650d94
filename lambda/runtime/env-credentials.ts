/**
 * Stands in for @aws-sdk/credential-provider-node in the Lambda bundle. Lambda hands every
 * invocation its role's credentials in the environment, so the full provider chain (SSO,
 * profiles, web identity, with their own STS and SSO clients) is dead weight at cold start.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = () => fromEnv();
