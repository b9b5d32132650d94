import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDbBatchImporter } from '../../lambda/adapters/dynamodb-batch-importer';
import { DynamoDbLineageStore } from '../../lambda/adapters/dynamodb-lineage-store';
import { SnsAlertPublisher } from '../../lambda/adapters/sns-alert-publisher';
import { type AttributionRecord, CLOUDTRAIL_DETAIL_TYPE, compilePolicy } from '../../lambda/domain';
import { createHandler } from '../../lambda/handler';
import type { AlertPublisher } from '../../lambda/ports';
import { recordingDeps } from '../../lambda/runtime/recording-deps';
import type { IngestedBy } from '../../lambda/schema/attribution-table';
import { retentionProblem } from '../../lambda/schema/attribution-table';
import { awsClientConfig } from '../aws-client-config';
import { type Command, type Output, parseFlags } from '../command';
import { ConsolePublisher } from '../console-publisher';
import { choosePolicy, policyLine } from '../deployed-policy';
import { UsageError } from '../errors';
import { countInputFiles, type InputFile, readInputs } from '../inputs';
import { chooseOwnerTags } from '../owner-tags/deployed';
import { OwnerTagHistory } from '../owner-tags/history';
import type { HistoryOwnerTagger } from '../owner-tags/history-tagger';
import { loadPolicyFile } from '../policy-evaluator';
import { progressText } from '../replay/progress';
import { describeReplay, type EventSink, Replayer, type ReplayTally } from '../replay/replayer';
import { parseS3Uri, readS3Inputs } from '../s3-inputs';
import {
  importerOptions,
  openTarget,
  rowWriteOptions,
  TARGET_FLAGS,
  TARGET_HELP,
  type Target,
  type TargetOptions,
  targetOptions,
} from '../target';
import { SilentLog, SilentMetrics } from '../telemetry';

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * The tagger for `--yes`: the credentials' account is the only one whose resources it tags. The
 * EC2 and STS clients are loaded here only: they are large, and every replay would otherwise
 * carry them in a heap the bulk commands keep small.
 */
async function historyTagger(overwrite: boolean, options: TargetOptions): Promise<HistoryOwnerTagger> {
  const [{ EC2Client }, { GetCallerIdentityCommand, STSClient }, { HistoryOwnerTagger }] = await Promise.all([
    import('@aws-sdk/client-ec2'),
    import('@aws-sdk/client-sts'),
    import('../owner-tags/history-tagger'),
  ]);
  const { Account } = await new STSClient(awsClientConfig('sts', options)).send(
    new GetCallerIdentityCommand({}),
  );
  if (!Account)
    throw new UsageError('could not tell which account your credentials belong to (sts get-caller-identity)');
  return new HistoryOwnerTagger({
    account: Account,
    overwrite,
    ec2For: (region) => new EC2Client(awsClientConfig('ec2', options, region)),
  });
}

async function* allInputs(paths: readonly string[], s3: () => S3Client): AsyncGenerator<InputFile> {
  for (const path of paths) {
    if (path.startsWith('s3://')) yield* readS3Inputs(s3(), parseS3Uri(path));
    else yield* readInputs([path]);
  }
}

/**
 * A progress line on stderr, only when stderr is a terminal (stdout may well be one while stderr
 * goes to a log file). The files are counted beside the replay, so a large tree starts at once.
 */
function progressLine(paths: readonly string[]): (t: Readonly<ReplayTally>) => void {
  if (!process.stderr.isTTY) return () => {};
  const started = Date.now();
  let total: number | null = null;
  countInputFiles(paths).then(
    (counted) => {
      total = counted;
    },
    () => {},
  );
  let last = 0;
  return (t) => {
    const now = Date.now();
    if (now - last < 200) return;
    last = now;
    process.stderr.write(`\r\u001b[2K${progressText(t, total, now - started)}`);
  };
}

export interface SinkOptions {
  /** Check the policy and publish alerts; when false the events are only recorded. @default true */
  readonly alerts?: boolean;
  readonly policy?: string;
  readonly topicArn?: string;
  /** Print alerts here instead of publishing them (local mode). */
  readonly local: boolean;
  readonly retentionDays?: number;
  readonly ingestedBy?: IngestedBy;
  /** Rows carry the legacy indexes' keys too (`rowWriteOptions`). @default false */
  readonly legacyKeys?: boolean;
}

/** Sends each event through the Lambda's own handler, with the real store, ledger and publisher. */
export function eventSink(
  target: Target,
  options: SinkOptions,
  output: Output,
  tOptions: TargetOptions,
): EventSink {
  const alerts = options.alerts ?? true;
  let publisher: AlertPublisher;
  if (!alerts || options.local) publisher = new ConsolePublisher(output);
  else {
    const topicArn = options.topicArn ?? target.topicArn;
    if (!topicArn)
      throw new UsageError(
        'alerts need the alert topic: pass --topic-arn ARN, or let ec2trail find the deployed stack (no --table)',
      );
    publisher = new SnsAlertPublisher(new SNSClient(awsClientConfig('sns', tOptions)), topicArn);
  }
  const handle = createHandler({
    ...recordingDeps({
      documents: target.documents,
      tableName: target.tableName,
      publisher,
      logger: new SilentLog(),
      metrics: new SilentMetrics(),
      retentionDays: options.retentionDays,
      legacyKeys: options.legacyKeys ?? false,
    }),
    // Without alerts, an empty policy: nothing is evaluated, nothing published.
    policy: alerts ? loadPolicyFile(options.policy) : compilePolicy({ rules: {} }),
    ingestedBy: options.ingestedBy ?? 'replay',
  });
  return async ({ record, account, region }) => {
    const result = await handle({ 'detail-type': CLOUDTRAIL_DETAIL_TYPE, account, region, detail: record });
    return { written: result.written, duplicates: result.duplicates, alerted: result.alert === 'sent' };
  };
}

export const replayCommand: Command = {
  usage: `Usage: ec2trail replay PATH... [options]

Ingests CloudTrail records as trails deliver them (folders of .json.gz such as
AWSLogs/<account>/CloudTrail/<region>/...), EventBridge events and Event history
downloads, through the same core and table as the deployed function. Replaying the same
files twice changes nothing. Rows say ingestedBy: "replay".

  PATH                a file, a folder (walked recursively), - for stdin, or
                      s3://bucket/prefix for a trail's objects in S3
  --alerts            check the policy and alert (off by default). With --local the
                      alerts are printed here; otherwise they go to the stack's topic
  --policy FILE       the policy for --alerts (default: the deployed one, the policyFile
                      of ec2trail.config.json here, else policy/default-policy.json)
  --config FILE       the deploy config whose policyFile --alerts uses
  --topic-arn ARN     the SNS topic for --alerts (default: the deployed stack's)
  --retention-days N  rows expire N days after their event (default: never)
  --apply-owner-tags  list the owner tags (the ownerTags of ec2trail.config.json, or of
                      --config FILE) each replayed launch's instance would get, and write
                      nothing: a dry run. With --yes, write them with your credentials, in
                      their account only, reading each resource's tags first: without
                      overwrite, a key it has now is kept
  --yes               with --apply-owner-tags: write the tags
${TARGET_HELP}

Exit status: 0 when everything was read and written; 1 when an input could not be read
or records could not be written (each is named; run the same command again to complete
it); 2 on a usage mistake.`,

  async run(argv, output) {
    const { values, positionals } = parseFlags(argv, {
      ...TARGET_FLAGS,
      alerts: { type: 'boolean' },
      policy: { type: 'string' },
      config: { type: 'string' },
      'topic-arn': { type: 'string' },
      'retention-days': { type: 'string' },
      'apply-owner-tags': { type: 'boolean' },
      yes: { type: 'boolean' },
    });
    if (positionals.length === 0)
      throw new UsageError('replay needs at least one PATH (a file, a folder, - or s3://bucket/prefix)');
    for (const path of positionals) if (path.startsWith('s3://')) parseS3Uri(path);
    const retention = values['retention-days'];
    if (retention !== undefined && !/^\d+$/.test(retention))
      throw new UsageError(`--retention-days "${retention}" is not a whole number`);
    const retentionDays = retention === undefined ? undefined : Number(retention);
    const retentionIssue = retentionDays === undefined ? null : retentionProblem(retentionDays);
    if (retentionIssue) throw new UsageError(`--retention-days: ${retentionIssue}`);
    if (values.policy && !values.alerts) throw new UsageError('--policy only applies with --alerts');
    const applyOwnerTags = values['apply-owner-tags'] === true;
    if (values.config && !values.alerts && !applyOwnerTags)
      throw new UsageError('--config only applies with --alerts or --apply-owner-tags');
    if (values.yes && !applyOwnerTags) throw new UsageError('--yes only applies with --apply-owner-tags');
    if (values.yes && values.local)
      throw new UsageError(
        '--apply-owner-tags --yes writes tags on real instances in AWS; --local keeps the rows on this machine. Preview with --local, write without it',
      );
    const ownerTags = applyOwnerTags ? chooseOwnerTags(values.config) : null;
    if (applyOwnerTags && !ownerTags)
      throw new UsageError(
        '--apply-owner-tags needs the owner tags to write: "ownerTags" in ec2trail.config.json here, or in --config FILE',
      );
    const history = ownerTags ? new OwnerTagHistory(ownerTags.settings) : null;
    const policy = values.alerts ? choosePolicy(values.policy, values.config) : undefined;
    // A bad policy file is refused before anything is read or started.
    if (policy) {
      loadPolicyFile(policy.path);
      output.err(policyLine(policy));
    }

    const tOptions = targetOptions(values);
    // The first SIGINT or SIGTERM (Ctrl-C, `timeout`, a cancelled CI job) stops the replay after
    // the batch in flight and closes the store; a second one ends the process at once.
    const interrupt = new AbortController();
    let interrupted: NodeJS.Signals | null = null;
    let interruptedAt = 0;
    const onSignal = (name: NodeJS.Signals) => {
      // Ctrl-C reaches both this process and the launcher that forwards it: one second apart
      // at least, a second signal is the user's.
      if (interrupted !== null) {
        if (Date.now() - interruptedAt > 1_000) process.exit(name === 'SIGINT' ? 130 : 143);
        return;
      }
      interrupted = name;
      interruptedAt = Date.now();
      interrupt.abort();
    };
    for (const name of SIGNALS) process.on(name, onSignal);
    const target = await openTarget(tOptions);
    let s3: S3Client | undefined;
    try {
      const replayer = new Replayer({
        importer: new DynamoDbBatchImporter(
          target.documents,
          target.tableName,
          await importerOptions(target),
        ),
        lineage: new DynamoDbLineageStore(target.documents, target.tableName),
        ingestedBy: 'replay',
        now: () => new Date(),
        retentionDays,
        ...(values.alerts
          ? {
              perEvent: eventSink(
                target,
                {
                  policy: policy?.path,
                  topicArn: values['topic-arn'],
                  local: values.local === true,
                  retentionDays,
                  ...(await rowWriteOptions(target)),
                },
                output,
                tOptions,
              ),
            }
          : {}),
        ...(history ? { onRecords: (records: readonly AttributionRecord[]) => history.take(records) } : {}),
        onInputError: (origin, message) => output.err(`ec2trail: ${origin}: ${message}`),
        onProgress: progressLine(positionals),
        signal: interrupt.signal,
      });
      await replayer.run(
        allInputs(
          positionals,
          // A trail bucket may live in another region than the profile's: follow S3's redirect.
          () => (s3 ??= new S3Client({ ...awsClientConfig('s3', tOptions), followRegionRedirects: true })),
        ),
      );
      if (process.stderr.isTTY) process.stderr.write('\r\u001b[2K');
      output.err(`Replayed into ${target.description}: ${describeReplay(replayer.tally)}`);
      if (interrupted !== null) {
        output.err(
          `Stopped by ${interrupted} after the batch in flight. Run the same command again to go on: rows already written are skipped.`,
        );
        return interrupted === 'SIGINT' ? 130 : 143;
      }
      let tagsFailed = false;
      if (history && ownerTags) {
        if (!values.yes) {
          const lines = history.previewLines();
          if (lines.length > 0) await output.out(`${lines.join('\n')}\n`);
          output.err(history.previewSummary());
        } else {
          const tagger = await historyTagger(ownerTags.settings.overwrite, tOptions);
          const outcome = await history.write(tagger);
          for (const line of outcome.lines) output.err(line);
          tagsFailed = outcome.failed;
        }
      }
      if (replayer.unwritten.size > 0) {
        output.err(`${replayer.tally.unwritten} records were NOT written, from:`);
        for (const { origin, count, reason } of replayer.unwritten.values())
          output.err(`  ${origin}: ${count} (${reason})`);
        output.err(
          'Run the same command again to write them: rows already written are skipped, none is doubled.',
        );
      }
      return replayer.tally.errors > 0 || replayer.tally.unwritten > 0 || tagsFailed ? 1 : 0;
    } finally {
      for (const name of SIGNALS) process.off(name, onSignal);
      s3?.destroy();
      await target.close();
    }
  },
};
