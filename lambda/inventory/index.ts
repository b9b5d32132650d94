/** The scheduled inventory function's entry point: settings checked and clients built once per cold start. */

import { DynamoDbAttributionQueries } from '../adapters/dynamodb-attribution-queries';
import { DynamoDbBatchImporter } from '../adapters/dynamodb-batch-importer';
import { DynamoDbInventorySnapshots } from '../adapters/dynamodb-inventory-snapshots';
import { DynamoDbLineageStore } from '../adapters/dynamodb-lineage-store';
import { S3TrailLogSource } from '../adapters/s3-trail-log-source';
import { cloudTrailClient, dynamodbClient, ec2ReadClient, pricingClient, s3Client } from '../runtime/clients';
import { telemetryOf } from '../runtime/powertools';
import { documentsOf } from '../runtime/recording-deps';
import { readSettings } from '../settings/functions';
import { enabledRegions } from './ec2-instances';
import { createInventoryHandler } from './handler';
import { PriceBook } from './price-book';
import { recorderOf } from './record-found';
import { SpotPriceHistory } from './spot-prices';
import { takeInventory } from './take-inventory';
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

const ec2For = perRegion(ec2ReadClient);
const cloudTrailFor = perRegion(cloudTrailClient);
const s3 = settings.trail ? s3Client() : null;

export const handler = createInventoryHandler({
  regions: async () => settings.regions ?? enabledRegions(ec2For(process.env.AWS_REGION ?? 'us-east-1')),
  take: async (regions) => {
    const recorder = recorderOf({
      importer: new DynamoDbBatchImporter(documents, settings.tableName),
      lineage: new DynamoDbLineageStore(documents, settings.tableName),
      now: () => new Date(),
      retentionDays: settings.retentionDays,
    });
    const inventory = await takeInventory(regions, {
      ec2For,
      cloudTrailFor: settings.eventHistory ? cloudTrailFor : null,
      queries,
      ...(s3 && settings.trail
        ? { trail: new TrailLaunchFinder(s3, settings.trail, new S3TrailLogSource(s3)) }
        : {}),
      record: (records) => recorder.record(records),
      personTagKeys: settings.personTagKeys,
      clock: { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
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
