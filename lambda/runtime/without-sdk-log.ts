/**
 * The SDK's logger middleware builds a redacted copy of every request and response for its
 * logger, even when that logger is the default one that discards everything. ec2trail never
 * gives the SDK a logger, so the copy is pure cost: a tenth of a bulk replay's CPU went to it.
 */
export function withoutSdkLog<T extends { middlewareStack: { remove(name: string): boolean } }>(
  client: T,
): T {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}
