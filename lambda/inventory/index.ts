/** The scheduled inventory function's entry point: settings checked and clients built once per cold start. */

import { assumedRoleSessions } from '../adapters/assumed-role-sessions';
import { DynamoDbAttributionQueries } from '../adapters/dynamodb-attribution-queries';
import { DynamoDbBatchImporter } from '../adapters/dynamodb-batch-importer';
import { DynamoDbInventorySnapshots } from '../adapters/dynamodb-inventory-snapshots';
import { DynamoDbLineageStore } from '../adapters/dynamodb-lineage-store';
import { S3TrailLogSource } from '../adapters/s3-trail-log-source';
import { describeError } from '../ingest/decode';
import {
  cloudTrailClient,
  dynamodbClient,
  ec2ReadClient,
  organizationsClient,
  pricingClient,
  s3Client,
  stsClient,
} from '../runtime/clients';
import { telemetryOf } from '../runtime/powertools';
import { documentsOf } from '../runtime/recording-deps';
import { readSettings } from '../settings/functions';
import { enabledRegions } from './ec2-instances';
import { createInventoryHandler } from './handler';
import { SYSTEM_CLOCK } from './launch-lookup';
import { accountScopes, activeAccounts } from './member-accounts';
import { PriceBook } from './price-book';
import { recorderOf } from './record-found';
import { SpotPriceHistory } from './spot-prices';
import { type AccountScope, takeInventory } from './take-inventory';
import { TrailLaunchFinder } from './trail-launch';

const settings = readSettings('inventory', process.env);
const { logger, metrics } = telemetryOf('ec2trail-inventory');
const documents = documentsOf(dynamodbClient());
const queries = new DynamoDbAttributionQueries(documents, settings.tableName);

/** One client per region and service, reused by every run of a warm function. */
function perRegion<C>(make: (region: string) => C): (region: string) => C {
  const made = new Map<string, C>();
  return (region) => {
    let client = made.get(region);
    if (!client) {
      client = make(region);
      made.set(region, client);
    }
    return client;
  };
}

const ec2For = perRegion((region) => ec2ReadClient(region));
const cloudTrailFor = perRegion((region) => cloudTrailClient(region));
const s3 = settings.trail ? s3Client() : null;
const home = { ec2For, cloudTrailFor: settings.eventHistory ? cloudTrailFor : null };

/** In an organization deploy, every active account, members through their reader role; else none (the home account alone). */
async function accountsToList(): Promise<readonly AccountScope[] | undefined> {
  const { members } = settings;
  if (!members) return undefined;
  let accounts: string[];
  try {
    accounts = await activeAccounts(organizationsClient());
  } catch (error) {
    logger.warn("The organization's accounts could not be listed: the home account alone is listed", {
      error: describeError(error),
    });
    return undefined;
  }
  const credentialsOf = assumedRoleSessions(stsClient(), { ...members, sessionName: 'ec2trail-inventory' });
  return accountScopes(accounts, settings.homeAccount, home, (account) => {
    const credentials = credentialsOf(account);
    return {
      ec2For: perRegion((region) => ec2ReadClient(region, credentials)),
      cloudTrailFor: settings.eventHistory
        ? perRegion((region) => cloudTrailClient(region, credentials))
        : null,
    };
  });
}

export const handler = createInventoryHandler({
  regions: async () => settings.regions ?? enabledRegions(ec2For(process.env.AWS_REGION ?? 'us-east-1')),
  take: async (regions) => {
    const recorder = recorderOf({
      importer: new DynamoDbBatchImporter(documents, settings.tableName, { legacyKeys: settings.legacyKeys }),
      lineage: new DynamoDbLineageStore(documents, settings.tableName),
      now: () => new Date(),
      retentionDays: settings.retentionDays,
    });
    const accounts = await accountsToList();
    const inventory = await takeInventory(regions, {
      ...home,
      ...(accounts ? { accounts } : {}),
      queries,
      ...(s3 && settings.trail
        ? { trail: new TrailLaunchFinder(s3, settings.trail, new S3TrailLogSource(s3)) }
        : {}),
      record: (records) => recorder.record(records),
      personTagKeys: settings.personTagKeys,
      clock: SYSTEM_CLOCK,
      // Lambda's /tmp keeps the prices between the runs of a warm function.
      prices: settings.prices
        ? {
            book: new PriceBook(pricingClient(), '/tmp/ec2trail-prices.json'),
            spot: new SpotPriceHistory(ec2For),
          }
        : null,
      forgottenAfterMs: settings.forgottenAfterDays * 86_400_000,
      warn: (line) => logger.warn(line),
    });
    return { inventory, recorded: recorder.tally };
  },
  snapshots: new DynamoDbInventorySnapshots(documents, settings.tableName),
  metrics,
  logger,
});
