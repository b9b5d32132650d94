/** `ec2trail costs`: per person, instance-hours and list-price cost in a window. */

import { EC2Client } from '@aws-sdk/client-ec2';
import { PricingClient } from '@aws-sdk/client-pricing';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDbAttributionQueries } from '../../lambda/adapters/dynamodb-attribution-queries';
import { costsByPerson, type InstanceCost } from '../../lambda/domain/inventory/person-costs';
import { regionsToList } from '../../lambda/inventory/find-owners';
import { SYSTEM_CLOCK } from '../../lambda/inventory/launch-lookup';
import { PriceBook, priceCacheFile } from '../../lambda/inventory/price-book';
import { NO_PRICE_READ, pricesOf } from '../../lambda/inventory/prices';
import { SpotPriceHistory } from '../../lambda/inventory/spot-prices';
import { ownersOfAccounts } from '../../lambda/inventory/take-inventory';
import { awsClientConfig, clientKeeper } from '../aws-client-config';
import { type Command, parseFlags } from '../command';
import { describeError, UsageError } from '../errors';
import { hoursInWindow, type Inventory } from '../inventory/costs';
import {
  costsCsv,
  costsSummary,
  costsTable,
  costsText,
  instanceCostRecord,
  personRecord,
} from '../inventory/costs-output';
import { outputFormat } from '../rows-output';
import { openTarget, TARGET_FLAGS, TARGET_HELP, type TargetOptions, targetOptions } from '../target';
import { parseWindow, WINDOW_FLAGS, windowHelp } from '../time-window';
import { otherAccounts, PRICING_REGION, parseAccounts, personTagKeys, roleNameOf } from './owners';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** What EC2 lists now in the caller's account (and the accounts asked); null when it cannot be read. */
async function readInventory(
  aws: TargetOptions,
  asked: readonly string[] | undefined,
  accountsAsked: readonly string[] | 'organization' | null,
  roleName: string,
  tagKeys: readonly string[],
  queries: DynamoDbAttributionQueries,
  client: <C extends { destroy(): void }>(made: C) => C,
  warn: (line: string) => void,
): Promise<Inventory | null> {
  try {
    const account = (
      await client(new STSClient(awsClientConfig('sts', aws))).send(new GetCallerIdentityCommand({}))
    ).Account;
    if (!account) throw new Error('STS named no account');
    const regions = await regionsToList(asked, client(new EC2Client(awsClientConfig('ec2', aws))));
    // The table and the tags only: `owners` is the command that asks Event history.
    const home = {
      ec2For: (region: string) => client(new EC2Client(awsClientConfig('ec2', aws, region))),
      cloudTrailFor: null,
    };
    const scopes =
      accountsAsked === null ? undefined : await otherAccounts(accountsAsked, roleName, home, aws, client);
    const found = await ownersOfAccounts(regions, {
      ...home,
      ...(scopes ? { accounts: scopes } : {}),
      queries,
      personTagKeys: tagKeys,
      clock: SYSTEM_CLOCK,
    });
    for (const failed of found.failedRegions)
      warn(`ec2trail: ${failed.region} could not be listed, left out: ${failed.error}`);
    return {
      instances: found.instances,
      accounts: scopes ? scopes.flatMap((s) => (s.account ? [s.account] : [])) : [account],
      regions,
      failed: found.failedRegions.map((f) => f.region),
    };
  } catch (error) {
    warn(`ec2trail: EC2 could not be read, the table alone is used: ${describeError(error)}`);
    return null;
  }
}

export const costsCommand: Command = {
  usage: `Usage: ec2trail costs [options]

Per person, the instance-hours and the estimated cost of their instances in a window: the dearest
first, with the services that launched for them and their dearest instances. Hours come from
the table's launch, start, stop and terminate rows (a stop or termination ends the hour count,
as EC2's billing does), and from what EC2 says each instance is now: one running since before
the window made no call in it and still counts. Prices are on-demand list prices from the Price
List (Spot instances: the latest Spot price), an estimate, not the bill: no Savings Plans,
Reserved Instances, discounts, volumes or data transfer.

${windowHelp('30d')}
  --person NAME       only this person's instances
  --regions LIST      regions EC2 is read in (comma-separated; default: every region the
                      account has enabled)
  --accounts LIST     read EC2 in these accounts too (ids, or "organization"), through
                      --role-name (default ec2trail-inventory-reader), as owners does
  --no-inventory      the table alone: no EC2 request (instances that made no call in the
                      window are left out)
  --no-prices         no Price List or Spot price history request: hours only
  --top N             dearest instances shown per person (default 3)
  --config FILE       the deploy config whose ownerTags say which tag holds the person
  --output FORMAT     table (default on a terminal: one line per person), json (people,
                      instances and totals), csv or text (one line per instance)
${TARGET_HELP}`,

  async run(argv, output) {
    const { values, positionals } = parseFlags(argv, {
      ...TARGET_FLAGS,
      ...WINDOW_FLAGS,
      person: { type: 'string' },
      regions: { type: 'string' },
      'no-inventory': { type: 'boolean' },
      'no-prices': { type: 'boolean' },
      top: { type: 'string' },
      accounts: { type: 'string' },
      'role-name': { type: 'string' },
      config: { type: 'string' },
      output: { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const window = parseWindow(values, '30d');
    const asked = values.regions
      ?.split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    for (const region of asked ?? [])
      if (!REGION.test(region))
        throw new UsageError(`--regions: "${region}" is not an AWS region such as eu-west-1`);
    if (asked && values['no-inventory'])
      throw new UsageError('--regions and --no-inventory do not go together');
    const accountsAsked = parseAccounts(values.accounts);
    if (accountsAsked !== null && values['no-inventory'])
      throw new UsageError('--accounts and --no-inventory do not go together');
    const roleName = roleNameOf(values['role-name'], accountsAsked);
    const top = values.top === undefined ? 3 : Number(values.top);
    if (!Number.isInteger(top) || top < 0 || !/^\d+$/.test(values.top ?? '3'))
      throw new UsageError(`--top "${values.top}" is not a whole number`);
    const format = outputFormat(values.output, output.isTTY, { warn: (line) => output.err(line) });
    const tagKeys = personTagKeys(values.config);
    const options = targetOptions(values);
    const target = await openTarget(options);
    const { keep: client, destroyAll } = clientKeeper();
    try {
      // The AWS side is the account's, never the embedded store's: --local only picks the table.
      const aws = { ...options, local: false };
      const queries = new DynamoDbAttributionQueries(target.documents, target.tableName);
      const warn = (line: string) => output.err(line);
      const inventory = values['no-inventory']
        ? null
        : await readInventory(aws, asked, accountsAsked, roleName, tagKeys, queries, client, warn);
      const hours = (await hoursInWindow(queries, window, inventory)).filter(
        (i) => i.hours > 0 && (values.person === undefined || i.ownership.person === values.person),
      );
      const priceOf = values['no-prices']
        ? () => NO_PRICE_READ
        : await pricesOf(
            hours,
            new PriceBook(
              client(new PricingClient(awsClientConfig('pricing', aws, PRICING_REGION))),
              priceCacheFile(),
            ),
            new SpotPriceHistory((region) => client(new EC2Client(awsClientConfig('ec2', aws, region)))),
            warn,
          );
      const costs: InstanceCost[] = hours.map((i) => ({
        instanceId: i.instanceId,
        account: i.account,
        region: i.region,
        instanceType: i.instanceType,
        person: i.ownership.person,
        service: i.ownership.service,
        hours: i.hours,
        hourlyUsd: priceOf(i.instanceId).hourlyUsd,
        uncertain: i.uncertain,
      }));
      const people = costsByPerson(costs, top);
      const records = hours
        .map((i) => instanceCostRecord(i, priceOf(i.instanceId)))
        .sort((a, b) => (b.costUsd ?? -1) - (a.costUsd ?? -1) || b.hours - a.hours);
      const summary = costsSummary(people, window, {
        uncertain: hours.filter((i) => i.uncertain !== null).length,
        platformAssumed: values['no-prices'] ? 0 : hours.filter((i) => i.platformAssumed).length,
        inventoryRead: inventory !== null,
      });
      if (format === 'json')
        await output.out(
          `${JSON.stringify(
            {
              window: {
                from: new Date(window.fromMs).toISOString(),
                to: new Date(window.toMs).toISOString(),
              },
              people: people.map(personRecord),
              instances: records,
              summary: { line: summary, inventoryRead: inventory !== null },
            },
            null,
            2,
          )}\n`,
        );
      else if (format === 'table') await output.out(`${costsTable(people, output.columns)}\n\n${summary}\n`);
      else {
        await output.out(format === 'csv' ? costsCsv(records) : costsText(records));
        output.err(summary);
      }
      return 0;
    } finally {
      destroyAll();
      await target.close();
    }
  },
};
