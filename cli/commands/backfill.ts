import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDbBatchImporter } from '../../lambda/adapters/dynamodb-batch-importer';
import { DynamoDbLineageStore } from '../../lambda/adapters/dynamodb-lineage-store';
import { backfillInputs, MAX_DAYS } from '../backfill/backfill';
import { CloudTrailEventHistory } from '../backfill/event-history';
import { type Command, parseFlags } from '../command';
import { UsageError } from '../errors';
import { describeReplay, Replayer } from '../replay/replayer';
import { openTarget, TARGET_FLAGS, TARGET_HELP, targetOptions } from '../target';

export const backfillCommand: Command = {
  usage: `Usage: ec2trail backfill --days N [options]

Pulls the lifecycle events of the last N days (at most 90, what Event history keeps)
from CloudTrail LookupEvents in the region, one event name at a time, within its limit
of 2 requests per second and backing off when throttled. Idempotent: events already in
the table are counted as duplicates. Rows say ingestedBy: "backfill".

  --days N            how far back (1-90)
${TARGET_HELP}
  (--region also picks the region whose Event history is read.)`,

  async run(argv, output) {
    const { values, positionals } = parseFlags(argv, { ...TARGET_FLAGS, days: { type: 'string' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (values.days === undefined) throw new UsageError('backfill needs --days N (1-90)');
    if (!/^\d+$/.test(values.days) || Number(values.days) < 1 || Number(values.days) > MAX_DAYS) {
      throw new UsageError(
        `--days "${values.days}" must be a whole number from 1 to ${MAX_DAYS}: Event history keeps 90 days`,
      );
    }
    const options = targetOptions(values);
    const target = await openTarget(options);
    const cloudtrail = new CloudTrailClient({ profile: options.profile, region: options.region });
    try {
      const replayer = new Replayer({
        importer: new DynamoDbBatchImporter(target.documents, target.tableName),
        lineage: new DynamoDbLineageStore(target.documents, target.tableName),
        ingestedBy: 'backfill',
        now: () => new Date(),
        onInputError: (origin, message) => output.err(`ec2trail: ${origin}: ${message}`),
      });
      await replayer.run(
        backfillInputs(new CloudTrailEventHistory(cloudtrail), {
          days: Number(values.days),
          now: () => Date.now(),
          sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
          onThrottle: (name, attempt, waitMs) =>
            output.err(
              `ec2trail: LookupEvents throttled (${name}, attempt ${attempt}); waiting ${waitMs} ms`,
            ),
        }),
      );
      output.err(`Backfilled into ${target.description}: ${describeReplay(replayer.tally)}`);
      return replayer.tally.errors > 0 || replayer.tally.unwritten > 0 ? 1 : 0;
    } finally {
      cloudtrail.destroy();
      await target.close();
    }
  },
};
