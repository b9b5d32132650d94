/**
 * The accounts an organization deploy's inventory lists: the home account with the function's
 * own role, and each active member account through the reader role the member StackSet puts
 * there. A member account whose role cannot be assumed fails its regions, which the inventory
 * names and leaves out; the others go on.
 */

import { type OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import type { AccountScope } from './take-inventory';

/** The reader role's name, the same in every member account (the member StackSet creates it). */
export const MEMBER_INVENTORY_ROLE = 'ec2trail-inventory-reader';

/** The active accounts of the organization (ListAccounts, from the management or a delegated administrator account). */
export async function activeAccounts(organizations: OrganizationsClient): Promise<string[]> {
  const accounts: string[] = [];
  // `State` replaces `Status`; either says ACTIVE for an account in use.
  for await (const page of paginateListAccounts({ client: organizations }, {}))
    for (const account of page.Accounts ?? [])
      if (account.Id && (account.State ?? account.Status) === 'ACTIVE') accounts.push(account.Id);
  return accounts.sort();
}

export function accountScopes(
  accounts: readonly string[],
  homeAccount: string,
  home: Omit<AccountScope, 'account'>,
  member: (account: string) => Omit<AccountScope, 'account'>,
): AccountScope[] {
  return [
    { account: homeAccount, ...home },
    ...accounts.filter((a) => a !== homeAccount).map((account) => ({ account, ...member(account) })),
  ];
}
