/** One-line explanations for the AWS errors a user can fix. */

/** A `code` property read without `instanceof`: a socket's error may come from another realm. */
function ownCode(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('code' in value)) return undefined;
  return typeof value.code === 'string' ? value.code : undefined;
}

function isErrorLike(value: unknown): value is Error {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

function codeOf(error: Error): string | undefined {
  return ownCode(error) ?? ownCode(error.cause);
}

/** A sentence for a known AWS or network failure, or null for anything else. */
export function explainAwsError(error: unknown): string | null {
  // Duck-typed, not `instanceof Error`: a socket's error is made by Node itself, which may be
  // another realm than the SDK's (a VM context, a test sandbox).
  if (!isErrorLike(error)) return null;
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
