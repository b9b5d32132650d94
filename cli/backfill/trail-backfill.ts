/** `ec2trail backfill --trail s3://…`: a trail's history, on the deployed state machine or on this machine. */

import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDbBatchImporter } from '../../lambda/adapters/dynamodb-batch-importer';
import { DynamoDbLineageStore } from '../../lambda/adapters/dynamodb-lineage-store';
import { parseTrailLogKey } from '../../lambda/domain/trail-log-key';
import { STACK_OUTPUTS } from '../../lib/stack-outputs';
import { awsClientConfig } from '../aws-client-config';
import type { Output } from '../command';
import { count, number } from '../counts';
import { UserFacingError } from '../errors';
import { describeReplay, Replayer } from '../replay/replayer';
import { parseS3Uri, readS3Inputs } from '../s3-inputs';
import { importerOptions, openTarget, stackOutputs, type TargetOptions } from '../target';
import { type BackfillProgress, runOnStateMachine } from './state-machine-runner';
import { planTrailPrefixes, s3Folders, type TrailPrefix } from './trail-plan';

export interface TrailBackfillOptions {
  readonly trail: string;
  readonly sinceMs: number;
  readonly untilMs: number;
  readonly accounts?: readonly string[] | undefined;
  readonly regions?: readonly string[] | undefined;
  readonly parallel: number;
  readonly target: TargetOptions;
  /** The S3 client to list and read with. @default one from the profile and region */
  readonly s3?: S3Client;
}

/** The trail's prefix (before AWSLogs/) from an S3 location that may or may not include AWSLogs/. */
export function trailPrefixOf(prefix: string): string {
  const at = prefix.indexOf('AWSLogs');
  return (at >= 0 ? prefix.slice(0, at) : prefix).replace(/^\/+|\/+$/g, '');
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function progressText(p: BackfillProgress, elapsedMs: number): string {
  const done = p.files.succeeded + p.files.failed;
  const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0;
  const left =
    rate > 0 && p.files.total > done ? ` · ~${Math.ceil((p.files.total - done) / rate / 60)} min left` : '';
  return `${number(p.prefixesDone)}/${number(p.prefixes)} prefixes · ${number(p.files.succeeded)} of ${number(p.files.total)} files read, ${number(p.files.failed)} failed · ${rate.toFixed(1)} files/s${left}`;
}

export async function backfillTrail(options: TrailBackfillOptions, output: Output): Promise<number> {
  const location = parseS3Uri(options.trail);
  const trailPrefix = trailPrefixOf(location.prefix);
  const s3 =
    options.s3 ?? new S3Client({ ...awsClientConfig('s3', options.target), followRegionRedirects: true });
  try {
    const plan = await planTrailPrefixes(s3Folders(s3, location.bucket), {
      trailPrefix,
      since: new Date(options.sinceMs),
      until: new Date(options.untilMs),
      accounts: options.accounts,
      regions: options.regions,
    });
    if (plan.length === 0)
      throw new UserFacingError(
        `no trail log folders under s3://${location.bucket}/${trailPrefix ? `${trailPrefix}/` : ''}AWSLogs/ for those accounts and regions`,
      );
    const accounts = new Set(plan.map((p) => p.account)).size;
    const regions = new Set(plan.map((p) => p.region)).size;
    output.err(
      `Backfill of s3://${location.bucket}/: ${count(accounts, 'account')}, ${count(regions, 'region')}, ${count(plan.length, 'account-region-month')} from ${day(options.sinceMs)}`,
    );

    let stateMachineArn: string | undefined;
    if (!options.target.local && !options.target.table) {
      const outputs = await stackOutputs(options.target);
      stateMachineArn = outputs[STACK_OUTPUTS.backfillStateMachineArn];
      if (!stateMachineArn)
        output.err(
          'The deployed stack has no backfill state machine (config trail.backfill): reading on this machine instead.',
        );
    }
    if (stateMachineArn) return await onStateMachine(stateMachineArn, location.bucket, plan, options, output);
    return await onThisMachine(s3, location.bucket, plan, options, output);
  } finally {
    if (!options.s3) s3.destroy();
  }
}

async function onStateMachine(
  stateMachineArn: string,
  bucket: string,
  plan: readonly TrailPrefix[],
  options: TrailBackfillOptions,
  output: Output,
): Promise<number> {
  const sfn = new SFNClient(awsClientConfig('sfn', options.target));
  const started = Date.now();
  try {
    output.err(
      `On ${stateMachineArn}, ${options.parallel} executions at a time (whole months: rows already in the table are skipped)`,
    );
    const outcomes = await runOnStateMachine(sfn, plan, {
      stateMachineArn,
      bucket,
      parallel: options.parallel,
      onProgress: process.stderr.isTTY
        ? (p) => process.stderr.write(`\r\u001b[2K${progressText(p, Date.now() - started)}`)
        : undefined,
    });
    if (process.stderr.isTTY) process.stderr.write('\r\u001b[2K');
    const failed = outcomes.filter((o) => o.outcome === 'failed');
    const earlier = outcomes.filter((o) => o.outcome === 'succeeded-earlier').length;
    const files = outcomes.reduce((sum, o) => sum + o.files.succeeded, 0);
    const failedFiles = outcomes.reduce((sum, o) => sum + o.files.failed, 0);
    output.err(
      `Backfilled: ${count(outcomes.length - failed.length, 'prefix', 'prefixes')} succeeded (${number(earlier)} on an earlier run), ${number(failed.length)} failed; ${count(files, 'log file')} read, ${number(failedFiles)} failed`,
    );
    for (const f of failed)
      output.err(
        `  ${f.prefix.prefix}: ${f.status} (${f.executionArn}); its failed batches are listed in the results bucket`,
      );
    if (failed.length > 0)
      output.err('Run the same command again to redrive them: batches that succeeded are not read again.');
    return failed.length > 0 ? 1 : 0;
  } finally {
    sfn.destroy();
  }
}

async function onThisMachine(
  s3: S3Client,
  bucket: string,
  plan: readonly TrailPrefix[],
  options: TrailBackfillOptions,
  output: Output,
): Promise<number> {
  const target = await openTarget(options.target);
  const first = day(options.sinceMs);
  const last = day(options.untilMs);
  try {
    const replayer = new Replayer({
      importer: new DynamoDbBatchImporter(target.documents, target.tableName, await importerOptions(target)),
      lineage: new DynamoDbLineageStore(target.documents, target.tableName),
      ingestedBy: 'backfill',
      now: () => new Date(),
      onInputError: (origin, message) => output.err(`ec2trail: ${origin}: ${message}`),
    });
    async function* inputs() {
      for (const prefix of plan)
        yield* readS3Inputs(
          s3,
          { bucket, prefix: prefix.prefix },
          {
            // Month prefixes hold days before --since and after --until: those files are not read.
            keep: (key) => {
              const parsed = parseTrailLogKey(key);
              return parsed !== null && parsed.day >= first && parsed.day <= last;
            },
          },
        );
    }
    await replayer.run(inputs());
    output.err(`Backfilled into ${target.description}: ${describeReplay(replayer.tally)}`);
    for (const { origin, count: n, reason } of replayer.unwritten.values())
      output.err(`  ${origin}: ${n} NOT written (${reason})`);
    return replayer.tally.errors > 0 || replayer.tally.unwritten > 0 ? 1 : 0;
  } finally {
    await target.close();
  }
}
