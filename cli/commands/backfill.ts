import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDbBatchImporter } from '../../lambda/adapters/dynamodb-batch-importer';
import { DynamoDbLineageStore } from '../../lambda/adapters/dynamodb-lineage-store';
import { awsClientConfig } from '../aws-client-config';
import { backfillInputs, MAX_DAYS } from '../backfill/backfill';
import { CloudTrailEventHistory } from '../backfill/event-history';
import { backfillTrail } from '../backfill/trail-backfill';
import { type Command, parseFlags } from '../command';
import { UsageError } from '../errors';
import { describeReplay, Replayer } from '../replay/replayer';
import { parseS3Uri } from '../s3-inputs';
import { importerOptions, openTarget, TARGET_FLAGS, TARGET_HELP, targetOptions } from '../target';
import { parseTimeArg } from '../time-arg';

export const backfillCommand: Command = {
  usage: `Usage: ec2trail backfill --days N [options]
       ec2trail backfill --trail s3://BUCKET[/PREFIX] --since DATE [options]

With --trail, reads the trail's log files in S3 (any age): on the deployed backfill state
machine (config trail.backfill) when there is one, one execution per account, region and
month, --parallel at a time, with progress from the map runs; otherwise, or with --local,
on this machine. Running the same command again skips what succeeded and redrives what
failed. Rows say ingestedBy: "backfill"; no alerts are sent for history.

  --trail S3URI       the trail bucket and its prefix (the folder before AWSLogs/)
  --since DATE        the first day to read (2024-01-01, 90d, ...); whole months on the
                      state machine, exact days on this machine
  --until DATE        the last day (default: now)
  --accounts LIST     only these accounts (comma-separated)
  --regions LIST      only these regions (comma-separated)
  --parallel N        state machine executions at a time (default 4)

With --days:

Pulls the lifecycle events of the last N days (at most 90, what Event history keeps)
from CloudTrail LookupEvents in the region, one event name at a time, within its limit
of 2 requests per second and backing off when throttled. Idempotent: events already in
the table are counted as duplicates. Rows say ingestedBy: "backfill".

  --days N            how far back (1-90)
${TARGET_HELP}
  (--region also picks the region whose Event history is read.)`,

  async run(argv, output) {
    const { values, positionals } = parseFlags(argv, {
      ...TARGET_FLAGS,
      days: { type: 'string' },
      trail: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      accounts: { type: 'string' },
      regions: { type: 'string' },
      parallel: { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (values.trail !== undefined) {
      if (values.days !== undefined)
        throw new UsageError('--days reads Event history; --trail reads S3: choose one');
      if (values.since === undefined)
        throw new UsageError('backfill --trail needs --since DATE (e.g. 2024-01-01)');
      parseS3Uri(values.trail);
      const now = Date.now();
      const sinceMs = parseTimeArg('--since', values.since, now);
      const untilMs = values.until === undefined ? now : parseTimeArg('--until', values.until, now);
      if (sinceMs > untilMs) throw new UsageError('--since is after --until');
      const list = (flag: string, text: string | undefined, pattern: RegExp, what: string) => {
        if (text === undefined) return undefined;
        const items = text
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        for (const item of items)
          if (!pattern.test(item)) throw new UsageError(`${flag}: "${item}" is not ${what}`);
        return items;
      };
      const parallel = values.parallel ?? '4';
      if (!/^\d+$/.test(parallel) || Number(parallel) < 1 || Number(parallel) > 100)
        throw new UsageError(`--parallel "${parallel}" must be a whole number from 1 to 100`);
      return backfillTrail(
        {
          trail: values.trail,
          sinceMs,
          untilMs,
          accounts: list('--accounts', values.accounts, /^\d{12}$/, 'a 12-digit account id'),
          regions: list(
            '--regions',
            values.regions,
            /^[a-z]{2}(-[a-z]+)+-\d$/,
            'an AWS region such as eu-west-1',
          ),
          parallel: Number(parallel),
          target: targetOptions(values),
        },
        output,
      );
    }
    for (const flag of ['since', 'until', 'accounts', 'regions', 'parallel'] as const)
      if (values[flag] !== undefined) throw new UsageError(`--${flag} only applies with --trail`);
    if (values.days === undefined)
      throw new UsageError('backfill needs --days N (1-90) or --trail s3://BUCKET --since DATE');
    if (!/^\d+$/.test(values.days) || Number(values.days) < 1 || Number(values.days) > MAX_DAYS) {
      throw new UsageError(
        `--days "${values.days}" must be a whole number from 1 to ${MAX_DAYS}: Event history keeps 90 days`,
      );
    }
    const options = targetOptions(values);
    const target = await openTarget(options);
    const cloudtrail = new CloudTrailClient(awsClientConfig('cloudtrail', options));
    try {
      const replayer = new Replayer({
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
