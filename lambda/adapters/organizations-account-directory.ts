import { DescribeAccountCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import type { AccountDirectory } from '../ports';

interface Cached {
  readonly name: string | null;
  readonly until: number;
}

/**
 * Account names from AWS Organizations, cached for the life of the execution environment
 * (names rarely change; a miss is remembered too, so an unreadable account costs one call).
 */
export class OrganizationsAccountDirectory implements AccountDirectory {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly client: OrganizationsClient,
    private readonly options: { readonly ttlMs?: number; readonly now?: () => number } = {},
  ) {}

  async nameOf(accountId: string): Promise<string | null> {
    const now = (this.options.now ?? Date.now)();
    const cached = this.cache.get(accountId);
    if (cached && cached.until > now) return cached.name;
    let name: string | null = null;
    try {
      const { Account } = await this.client.send(new DescribeAccountCommand({ AccountId: accountId }));
      name = Account?.Name ?? null;
    } catch {
      // Not allowed, not a member, throttled: the alert goes out with the account id alone.
      name = null;
    }
    this.cache.set(accountId, { name, until: now + (this.options.ttlMs ?? 3_600_000) });
    return name;
  }
}
