/** One-line explanations for the AWS errors a user can fix. */

function codeOf(error: Error): string | undefined {
  const cause = error.cause instanceof Error ? error.cause : undefined;
  const own = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  const inner = cause && 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  return own ?? inner;
}

/** A sentence for a known AWS or network failure, or null for anything else. */
export function explainAwsError(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const code = codeOf(error);
  if (error.name === 'CredentialsProviderError' || /Could not load credentials/i.test(error.message)) {
    return 'no AWS credentials found: set AWS_PROFILE or pass --profile, or use --local for the embedded store';
  }
  if (/Region is missing/i.test(error.message))
    return 'no AWS region: pass --region, set AWS_REGION or AWS_DEFAULT_REGION, or give the profile a region';
  if (error.name === 'ResourceNotFoundException') return `not found: ${error.message}`;
  if (
    ['UnrecognizedClientException', 'InvalidClientTokenId', 'ExpiredTokenException', 'ExpiredToken'].includes(
      error.name,
    )
  ) {
    return `AWS refused the credentials (${error.name}): refresh them (aws sso login) or pass another --profile`;
  }
  if (error.name === 'AccessDeniedException' || error.name === 'AccessDenied')
    return `access denied: ${error.message}`;
  // A request the service refused as written: a bad --table name, say. Its words say what is wrong.
  if (error.name === 'ValidationException')
    return `AWS refused the request: ${error.message.replace(/\s+/g, ' ')}`;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ETIMEDOUT') {
    return `cannot reach the endpoint (${code}): check --endpoint-url, --region or the network`;
  }
  return null;
}
