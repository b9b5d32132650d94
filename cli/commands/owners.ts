/** `ec2trail owners`: every instance that exists now, and the person behind its launch. */

import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { EC2Client } from '@aws-sdk/client-ec2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { PricingClient } from '@aws-sdk/client-pricing';
import { S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { assumedRoleSessions } from '../../lambda/adapters/assumed-role-sessions';
import { DynamoDbAttributionQueries } from '../../lambda/adapters/dynamodb-attribution-queries';
import { DynamoDbBatchImporter } from '../../lambda/adapters/dynamodb-batch-importer';
import { DynamoDbInventorySnapshots } from '../../lambda/adapters/dynamodb-inventory-snapshots';
import { DynamoDbLineageStore } from '../../lambda/adapters/dynamodb-lineage-store';
import { S3TrailLogSource } from '../../lambda/adapters/s3-trail-log-source';
import { DEFAULT_OWNER_TAGS } from '../../lambda/domain/owner-tags';
import { type OwnedInstance, regionsToList } from '../../lambda/inventory/find-owners';
import { SYSTEM_CLOCK } from '../../lambda/inventory/launch-lookup';
import { activeAccounts, MEMBER_INVENTORY_ROLE } from '../../lambda/inventory/member-accounts';
import { PriceBook, priceCacheFile } from '../../lambda/inventory/price-book';
import { type PriceOfInstance, runningCost } from '../../lambda/inventory/prices';
import { SpotPriceHistory } from '../../lambda/inventory/spot-prices';
import { type AccountScope, takeInventory } from '../../lambda/inventory/take-inventory';
import { TrailLaunchFinder, type TrailLocation } from '../../lambda/inventory/trail-launch';
import { awsClientConfig, clientKeeper } from '../aws-client-config';
import { type Command, parseFlags } from '../command';
import { readDeployConfig } from '../deployed-policy';
import { UsageError } from '../errors';
import {
  ageDays,
  ownerRecord,
  ownersCsv,
  ownersTable,
  ownersText,
  summaryLine,
} from '../inventory/owners-output';
import { chooseOwnerTags } from '../owner-tags/deployed';
import { Replayer } from '../replay/replayer';
import { outputFormat } from '../rows-output';
import {
  importerOptions,
  openTarget,
  TARGET_FLAGS,
  TARGET_HELP,
  type TargetOptions,
  targetOptions,
} from '../target';
import { parseTimeArg } from '../time-arg';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const SORTS = ['age', 'person', 'cost'] as const;

/** The tag keys ec2trail writes the person to: the deploy config's, else the default `Owner`. */
export function personTagKeys(configFile: string | undefined): string[] {
  const tags = chooseOwnerTags(configFile)?.settings.tags ?? DEFAULT_OWNER_TAGS;
  return Object.entries(tags).flatMap(([key, source]) => (source === 'person' ? [key] : []));
}

/** When someone last started, stopped, rebooted or connected to it, as ISO time; null when nobody did lately. */
function touchOf(touches: ReadonlyMap<string, number | null>, instance: OwnedInstance): string | null {
  const at = touches.get(instance.instanceId);
  return at === null || at === undefined ? null : new Date(at).toISOString();
}

/** The Price List API answers in us-east-1 (and two other regions) for every region's prices. */
export const PRICING_REGION = 'us-east-1';

/**
 * The trail bucket's client: it may be in another region than the profile's, so it follows S3's
 * redirect; an endpoint of the user's (an emulator) answers on one host, so buckets go in the path.
 */
function trailS3Options(aws: TargetOptions) {
  const emulated = Boolean(
    aws.endpointUrl || process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL,
  );
  return {
    followRegionRedirects: true,
    ...(emulated ? { forcePathStyle: true } : {}),
  };
}

/** The trail's bucket and prefix: the flags, else the deploy config's `trail`; null when neither. */
function trailLocation(
  bucket: string | undefined,
  prefix: string | undefined,
  configFile: string | undefined,
): { bucket: string; prefix: string } | null {
  if (bucket !== undefined) {
    if (!BUCKET.test(bucket)) throw new UsageError(`--trail-bucket "${bucket}" is not an S3 bucket name`);
    return { bucket, prefix: (prefix ?? '').replace(/^\/+|\/+$/g, '') };
  }
  if (prefix !== undefined) throw new UsageError('--trail-prefix goes with --trail-bucket');
  const trail = (
    readDeployConfig(configFile)?.json as { trail?: { bucket?: unknown; prefix?: unknown } } | undefined
  )?.trail;
  return typeof trail?.bucket === 'string' && BUCKET.test(trail.bucket)
    ? { bucket: trail.bucket, prefix: typeof trail.prefix === 'string' ? trail.prefix : '' }
    : null;
}

/** The trail's launches, listed and read with one client. */
const trailFinder = (s3: S3Client, trail: TrailLocation) =>
  new TrailLaunchFinder(s3, trail, new S3TrailLogSource(s3));

const ACCOUNT = /^\d{12}$/;

/** `--accounts`: account ids, or every active account of the organization; null when not asked. */
export function parseAccounts(text: string | undefined): readonly string[] | 'organization' | null {
  if (text === undefined) return null;
  if (text.trim() === 'organization') return 'organization';
  const ids = text
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new UsageError('--accounts needs account ids or "organization"');
  for (const id of ids)
    if (!ACCOUNT.test(id))
      throw new UsageError(`--accounts: "${id}" is not a 12-digit account id (or say "organization")`);
  return [...new Set(ids)];
}

/** `--role-name`, checked: it goes with `--accounts`, and defaults to the member StackSet's reader. */
export function roleNameOf(name: string | undefined, accounts: unknown): string {
  if (name !== undefined && accounts === null) throw new UsageError('--role-name goes with --accounts');
  const role = name ?? MEMBER_INVENTORY_ROLE;
  if (!/^[\w+=,.@-]{1,64}$/.test(role)) throw new UsageError(`--role-name "${role}" is not an IAM role name`);
  return role;
}

type Made = <C extends { destroy(): void }>(made: C) => C;

/** Each account asked: the caller's own with its credentials, the others through `roleName`. */
export async function otherAccounts(
  asked: readonly string[] | 'organization',
  roleName: string,
  home: Omit<AccountScope, 'account'>,
  aws: TargetOptions,
  client: Made,
): Promise<AccountScope[]> {
  const sts = client(new STSClient(awsClientConfig('sts', aws)));
  const caller = await sts.send(new GetCallerIdentityCommand({}));
  const callerAccount = caller.Account ?? '';
  const partition = caller.Arn?.split(':')[1] ?? 'aws';
  const ids =
    asked === 'organization'
      ? await activeAccounts(client(new OrganizationsClient(awsClientConfig('organizations', aws))))
      : asked;
  const credentialsOf = assumedRoleSessions(sts, { roleName, partition, sessionName: 'ec2trail-owners' });
  return ids.map((account) => {
    if (account === callerAccount) return { account, ...home };
    const credentials = credentialsOf(account);
    return {
      account,
      ec2For: (region: string) =>
        client(new EC2Client({ ...awsClientConfig('ec2', aws, region), credentials })),
      cloudTrailFor: home.cloudTrailFor
        ? (r: string) =>
            client(new CloudTrailClient({ ...awsClientConfig('cloudtrail', aws, r), credentials }))
        : null,
    };
  });
}

function sortOwners(
  instances: OwnedInstance[],
  by: (typeof SORTS)[number],
  nowMs: number,
  priceOf: (i: OwnedInstance) => PriceOfInstance,
): OwnedInstance[] {
  const age = (i: OwnedInstance) => ageDays(i, nowMs) ?? -1;
  if (by === 'cost')
    // The dearest first; no price last.
    return instances.sort(
      (a, b) => (priceOf(b).hourlyUsd ?? -1) - (priceOf(a).hourlyUsd ?? -1) || age(b) - age(a),
    );
  return by === 'person'
    ? instances.sort(
        (a, b) =>
          // Unknown people last; then by person, then oldest first.
          Number(a.person === null) - Number(b.person === null) ||
          (a.person ?? '').localeCompare(b.person ?? '') ||
          age(b) - age(a),
      )
    : instances.sort((a, b) => age(b) - age(a) || a.instanceId.localeCompare(b.instanceId));
}

export const ownersCommand: Command = {
  usage: `Usage: ec2trail owners [options]

Lists every pending, running, stopping and stopped instance (DescribeInstances) with the
person behind its launch, how that is known, and why when it is not. Evidence, cheapest first:
the table's launch row; CloudTrail Event history (LookupEvents by instance id, 90 days, at most
2 requests a second per region, each instance asked once), recorded into the table as a backfill
(no alert) so the next "who" answers at once; the trail's log files in S3, for what Event
history does not hold (only the files of the launch day, account and region); the instance's
own tags (ec2trail's owner tag, or the Auto Scaling group, EKS node group, Karpenter node pool,
fleet or stack they name).
Ends with a summary: how many have a person (coverage, in percent), and why the rest do not.

  --regions LIST      regions to list (comma-separated; default: every region the account has
                      enabled)
  --accounts LIST     other accounts too: account ids (comma-separated) or "organization"
                      (every active account; from the management or a delegated administrator
                      account), each read through its reader role (the member StackSet's)
  --role-name NAME    the role assumed in each other account (default
                      ec2trail-inventory-reader; the config's inventory.readers may assume it)
  --person NAME       only this person's instances
  --older-than AGE    only instances launched longer ago than AGE (30d, 12h, 2w)
  --sort KEY          age (oldest first, the default), person, or cost (dearest first)
  --no-prices         no Price List or Spot price history request: hourlyUsd stays null
  --trail-bucket B    the trail's bucket (default: the deploy config's trail.bucket, if any)
  --trail-prefix P    the trail's key prefix, the folder before AWSLogs/
  --forgotten         only the instances possibly forgotten: running longer than
                      --forgotten-after, and nobody started, stopped, rebooted or connected to
                      them within it, or nobody is known behind them
  --forgotten-after AGE  the threshold for --forgotten (default 30d)
  --no-lookup         the table and the tags only: no Event history or S3 request
  --no-record         keep the table untouched (what Event history holds is shown, not recorded)
  --config FILE       the deploy config whose ownerTags say which tag holds the person
                      (default: ec2trail.config.json here, else the tag Owner)
  --output FORMAT     table (default on a terminal), json (an object per instance, and the
                      summary), csv or text
${TARGET_HELP}`,

  async run(argv, output) {
    const { values, positionals } = parseFlags(argv, {
      ...TARGET_FLAGS,
      regions: { type: 'string' },
      person: { type: 'string' },
      'older-than': { type: 'string' },
      sort: { type: 'string' },
      'no-lookup': { type: 'boolean' },
      'no-prices': { type: 'boolean' },
      forgotten: { type: 'boolean' },
      'forgotten-after': { type: 'string' },
      'trail-bucket': { type: 'string' },
      'trail-prefix': { type: 'string' },
      accounts: { type: 'string' },
      'role-name': { type: 'string' },
      'no-record': { type: 'boolean' },
      config: { type: 'string' },
      output: { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const asked = values.regions
      ?.split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    for (const region of asked ?? [])
      if (!REGION.test(region))
        throw new UsageError(`--regions: "${region}" is not an AWS region such as eu-west-1`);
    const accountsAsked = parseAccounts(values.accounts);
    if (values['role-name'] !== undefined && accountsAsked === null)
      throw new UsageError('--role-name goes with --accounts');
    const roleName = values['role-name'] ?? MEMBER_INVENTORY_ROLE;
    if (!/^[\w+=,.@-]{1,64}$/.test(roleName))
      throw new UsageError(`--role-name "${roleName}" is not an IAM role name`);
    const sort = values.sort ?? 'age';
    if (!(SORTS as readonly string[]).includes(sort))
      throw new UsageError(`--sort "${sort}" is not one of ${SORTS.join(', ')}`);
    const now = Date.now();
    const olderThan =
      values['older-than'] === undefined
        ? undefined
        : parseTimeArg('--older-than', values['older-than'], now);
    if (values['forgotten-after'] !== undefined && !values.forgotten)
      throw new UsageError('--forgotten-after goes with --forgotten');
    const forgottenAfterMs = now - parseTimeArg('--forgotten-after', values['forgotten-after'] ?? '30d', now);
    if (forgottenAfterMs <= 0)
      throw new UsageError(
        `--forgotten-after "${values['forgotten-after']}" must be a length of time such as 30d`,
      );
    const format = outputFormat(values.output, output.isTTY, { warn: (line) => output.err(line) });
    const tagKeys = personTagKeys(values.config);
    const trail = values['no-lookup']
      ? null
      : trailLocation(values['trail-bucket'], values['trail-prefix'], values.config);
    const options = targetOptions(values);
    const target = await openTarget(options);
    const { keep: client, destroyAll } = clientKeeper();
    try {
      // The AWS side is the account's, never the embedded store's: --local only picks the table.
      const aws = { ...options, local: false };
      const regions = await regionsToList(asked, client(new EC2Client(awsClientConfig('ec2', aws))));
      const replayer = values['no-record']
        ? null
        : new Replayer({
            importer: new DynamoDbBatchImporter(
              target.documents,
              target.tableName,
              await importerOptions(target),
            ),
            lineage: new DynamoDbLineageStore(target.documents, target.tableName),
            ingestedBy: 'backfill',
            now: () => new Date(),
            onInputError: (origin, message) => output.err(`ec2trail: ${origin}: ${message}`),
          });
      const queries = new DynamoDbAttributionQueries(target.documents, target.tableName);
      const home = {
        ec2For: (region: string) => client(new EC2Client(awsClientConfig('ec2', aws, region))),
        cloudTrailFor: values['no-lookup']
          ? null
          : (region: string) => client(new CloudTrailClient(awsClientConfig('cloudtrail', aws, region))),
      };
      const accounts =
        accountsAsked === null ? undefined : await otherAccounts(accountsAsked, roleName, home, aws, client);
      const inventory = await takeInventory(regions, {
        ...home,
        ...(accounts ? { accounts } : {}),
        queries,
        ...(trail
          ? {
              trail: trailFinder(
                client(new S3Client({ ...awsClientConfig('s3', aws), ...trailS3Options(aws) })),
                trail,
              ),
            }
          : {}),
        ...(replayer
          ? {
              record: (records: readonly Record<string, unknown>[], origin: string) =>
                replayer.run(
                  (async function* () {
                    yield {
                      origin,
                      items: records.map((value, i) => ({
                        kind: 'json' as const,
                        origin: `${origin} event ${i + 1}`,
                        value,
                      })),
                    };
                  })(),
                ),
            }
          : {}),
        personTagKeys: tagKeys,
        clock: SYSTEM_CLOCK,
        prices: values['no-prices']
          ? null
          : {
              book: new PriceBook(
                client(new PricingClient(awsClientConfig('pricing', aws, PRICING_REGION))),
                priceCacheFile(),
              ),
              spot: new SpotPriceHistory((region) =>
                client(new EC2Client(awsClientConfig('ec2', aws, region))),
              ),
            },
        forgottenAfterMs,
        warn: (line) => output.err(line),
      });
      const { result, priceOf, touches, forgotten } = inventory;
      for (const failed of result.failedRegions)
        output.err(`ec2trail: ${failed.region} could not be listed, left out: ${failed.error}`);
      // What the digest and the report show of the fleet: saved when the table may be written.
      if (replayer)
        await new DynamoDbInventorySnapshots(target.documents, target.tableName).save(inventory.snapshot);
      const coverage = inventory.snapshot.coverage;
      const shown = sortOwners(
        result.instances.filter(
          (i) =>
            (values.person === undefined || i.person === values.person) &&
            (!values.forgotten || forgotten(i)) &&
            (olderThan === undefined || Date.parse(i.originalLaunchTime ?? i.launchTime ?? '') <= olderThan),
        ),
        sort as (typeof SORTS)[number],
        now,
        priceOf,
      );
      const cost = values['no-prices'] ? null : runningCost(result.instances, priceOf);
      const summary = summaryLine(
        coverage,
        regions.length - result.failedRegions.length,
        result.lookups,
        cost,
      );
      if (format === 'json') {
        await output.out(
          `${JSON.stringify({ instances: shown.map((i) => ({ ...ownerRecord(i, now, priceOf(i)), ...(values.forgotten ? { lastTouch: touchOf(touches, i) } : {}) })), summary: { ...coverage, regions, failedRegions: result.failedRegions, lookups: result.lookups, ...(cost ? { runningHourlyUsd: cost.hourlyUsd, unpriced: cost.unpriced, spotPriced: cost.spot } : {}), line: summary } }, null, 2)}\n`,
        );
      } else if (format === 'table') {
        await output.out(`${ownersTable(shown, now, priceOf, output.columns)}\n\n${summary}\n`);
      } else {
        await output.out(format === 'csv' ? ownersCsv(shown, now, priceOf) : ownersText(shown, now, priceOf));
        output.err(summary);
      }
      return result.failedRegions.length > 0 ? 1 : 0;
    } finally {
      destroyAll();
      await target.close();
    }
  },
};
