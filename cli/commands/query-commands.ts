/** who, activity and recent: questions answered with one DynamoDB Query pattern each. */

import { DynamoDbAttributionQueries } from '../../lambda/adapters/dynamodb-attribution-queries';
import { ACTIONS, type Action, isAction } from '../../lambda/domain';
import { describeResource } from '../../lambda/domain/lineage/resources';
import type { StoredRow } from '../../lambda/schema/stored-row';
import { profileSettings } from '../aws-config-file';
import { type Command, type Output, parseFlags } from '../command';
import { UsageError } from '../errors';
import { type ExtraField, outputFormat, renderRows } from '../rows-output';
import { openTarget, TARGET_FLAGS, TARGET_HELP, type Target, targetOptions } from '../target';
import { parseTimeArg } from '../time-arg';
import { parseWindow, WINDOW_FLAGS, windowHelp } from '../time-window';

const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

const COMMON_FLAGS = {
  ...TARGET_FLAGS,
  output: { type: 'string' },
  limit: { type: 'string' },
} as const;

const COMMON_HELP = `${TARGET_HELP}
  --output FORMAT     table, json, csv or text (default: AWS_DEFAULT_OUTPUT or the
                      profile's output, as in the AWS CLI; else table on a terminal,
                      json otherwise)
  --limit N           stop after N rows`;

/** The output format, from --output, the environment or the profile, as the AWS CLI picks it. */
function chooseFormat(values: { output?: string; profile?: string; local?: boolean }, output: Output) {
  // The embedded store has no profile; an explicit --profile that does not exist is refused.
  const profile = values.local ? undefined : profileSettings(values.profile);
  return outputFormat(values.output, output.isTTY, {
    ...(profile?.output ? { profileOutput: profile.output } : {}),
    warn: (line) => output.err(line),
  });
}

function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new UsageError(`--limit "${text}" is not a positive whole number`);
  return Number(text);
}

function parseAction(text: string | undefined): Action | undefined {
  if (text === undefined) return undefined;
  if (!isAction(text)) throw new UsageError(`--action "${text}" is not one of ${ACTIONS.join(', ')}`);
  return text;
}

async function collect(rows: AsyncIterable<StoredRow>, limit: number | undefined): Promise<StoredRow[]> {
  const out: StoredRow[] = [];
  for await (const row of rows) {
    out.push(row);
    if (limit !== undefined && out.length >= limit) break;
  }
  return out;
}

async function withTarget<T>(
  values: Parameters<typeof targetOptions>[0],
  use: (target: Target) => Promise<T>,
): Promise<T> {
  const target = await openTarget(targetOptions(values));
  try {
    return await use(target);
  } finally {
    await target.close();
  }
}

async function print(
  rows: readonly StoredRow[],
  format: ReturnType<typeof outputFormat>,
  output: Output,
  empty: string,
  extra: ExtraField | null = null,
): Promise<void> {
  if (rows.length === 0 && format === 'table') {
    output.err(empty);
    return;
  }
  await output.out(renderRows(rows, format, extra, output.columns));
}

/**
 * The chain behind a service's call, in words: "Auto Scaling (autoscaling.amazonaws.com) did it
 * for auto-scaling group web-asg. Behind it: bob set the capacity … 30 s before."
 */
function behindLine(row: StoredRow, done: string): string {
  const { via, initiator } = row;
  if (via === null || (initiator !== null && initiator.eventId === row.eventId)) return '';
  const what = describeResource(via.resourceType, via.resourceId);
  const why = row.initiatorReason ?? 'no reason recorded';
  return initiator
    ? `${via.service} ${done} it for ${what}. Behind it: ${why}.\n`
    : `${via.service} ${done} it for ${what}. No person is known behind it: ${why}.\n`;
}

/** Who launched the instance and, for a service's launch or termination, the person behind it. */
function whoSummary(instanceId: string, rows: readonly StoredRow[]): string {
  const launch = rows.find((r) => r.action === 'launch' && r.outcome === 'success');
  const terminate = rows.find((r) => r.action === 'terminate' && r.outcome === 'success');
  const lines = launch
    ? `${instanceId} was launched by ${launch.actor.name ?? launch.actor.arn ?? 'an unidentified caller'} (${launch.actor.type}${launch.actor.arn ? `, ${launch.actor.arn}` : ''}) at ${launch.eventTime} with ${launch.source.tool}${launch.source.ip ? ` from ${launch.source.ip}` : ''}.\n${behindLine(launch, 'launched')}`
    : `${instanceId}: no launch recorded (it may predate the records; try ec2trail backfill).\n`;
  const end = terminate?.via ? behindLine(terminate, 'terminated') : '';
  return `${lines}${end}\n`;
}

export const whoCommand: Command = {
  usage: `Usage: ec2trail who INSTANCE-ID [options]

Shows who launched the instance, then every recorded call on it, newest first: who
stopped, started, rebooted, connected to and terminated it, with identity type, tool,
source IP and outcome.

${COMMON_HELP}`,

  async run(argv, output) {
    const { values, positionals } = parseFlags(argv, COMMON_FLAGS);
    const [instanceId, ...extra] = positionals;
    if (instanceId === undefined)
      throw new UsageError('who needs an instance id, such as i-0123456789abcdef0');
    if (extra.length > 0) throw new UsageError(`who takes one instance id; got also ${extra.join(' ')}`);
    // Published examples use i-EXAMPLE…, anonymised trails mix cases: the table holds what the
    // trail said, so an id that only looks wrong is looked up as given, with a word.
    if (!/^i-[A-Za-z0-9]+$/.test(instanceId))
      throw new UsageError(`"${instanceId}" is not an instance id (i- followed by letters and digits)`);
    if (!INSTANCE_ID.test(instanceId))
      output.err(
        `ec2trail who: "${instanceId}" is not a canonical instance id (i- and 8 or 17 lowercase hex digits); looking it up as given`,
      );
    const format = chooseFormat(values, output);
    const limit = parseLimit(values.limit);
    return withTarget(values, async (target) => {
      const rows = await collect(
        new DynamoDbAttributionQueries(target.documents, target.tableName).lifecycle(instanceId),
        limit,
      );
      if (format === 'table' && rows.length > 0) await output.out(whoSummary(instanceId, rows));
      await print(rows, format, output, `No record of ${instanceId} in ${target.description}.`);
      return 0;
    });
  },
};

export const activityCommand: Command = {
  usage: `Usage: ec2trail activity --actor ARN|NAME [options]

Lists the calls of one caller, newest first, and what services did for them: the
launches and terminations Auto Scaling, CloudFormation, EKS or a fleet made after that
person's change. The AS column (and "as" in JSON and CSV) says which: caller for their
own call, initiator for a service's call made for them. An ARN is matched exactly
(arn:aws:iam::111122223333:user/alice); anything else is the caller's name as ec2trail
shows it (the person behind an SSO session, an IAM user name, root, a service).

  --actor ARN|NAME    the caller (required)
  --own               only the caller's own calls, not what services did for them
  --since TIME        from this time: 30m, 24h, 7d, 2w or an ISO date (default: 7d)
  --until TIME        up to this time (default: now)
  --action ACTION     only launch, start, stop, terminate, reboot or connect
  --failed            only failed calls
${COMMON_HELP}`,

  async run(argv, output) {
    const { values, positionals } = parseFlags(argv, {
      ...COMMON_FLAGS,
      actor: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      action: { type: 'string' },
      failed: { type: 'boolean' },
      own: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (!values.actor) throw new UsageError('activity needs --actor ARN or --actor NAME');
    const now = Date.now();
    const fromMs = parseTimeArg('--since', values.since ?? '7d', now);
    const toMs = values.until ? parseTimeArg('--until', values.until, now) : now;
    if (fromMs > toMs) throw new UsageError('--since is after --until');
    const format = chooseFormat(values, output);
    const limit = parseLimit(values.limit);
    const action = parseAction(values.action);
    const actor = values.actor;
    return withTarget(values, async (target) => {
      const queries = new DynamoDbAttributionQueries(target.documents, target.tableName);
      const filter = { fromMs, toMs, action, failed: values.failed };
      const all = queries.byPerson(actor, filter);
      const rows = await collect(values.own ? onlyOwn(all, actor) : all, limit);
      const as: ExtraField = {
        name: 'as',
        header: 'AS',
        // Rows of the services' calls are the ones whose caller is not the one asked about.
        value: (row) => (matchesCaller(row, actor) ? 'caller' : 'initiator'),
      };
      await print(
        rows,
        format,
        output,
        `No activity by ${actor} in that window in ${target.description}.`,
        as,
      );
      return 0;
    });
  },
};

function matchesCaller(row: StoredRow, actor: string): boolean {
  return actor.startsWith('arn:') ? row.actor.arn === actor : row.actor.name === actor;
}

/** The caller's own calls only (`--own`): not what services did for them. */
async function* onlyOwn(rows: AsyncIterable<StoredRow>, actor: string): AsyncGenerator<StoredRow> {
  for await (const row of rows) if (matchesCaller(row, actor)) yield row;
}

export const recentCommand: Command = {
  usage: `Usage: ec2trail recent [options]

Lists every recorded lifecycle call in a time window, newest first.

${windowHelp('24h')}
  --action ACTION     only launch, start, stop, terminate, reboot or connect
  --failed            only failed calls
${COMMON_HELP}`,

  async run(argv, output) {
    const { values, positionals } = parseFlags(argv, {
      ...COMMON_FLAGS,
      ...WINDOW_FLAGS,
      action: { type: 'string' },
      failed: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const { fromMs, toMs, account, region } = parseWindow(values, '24h');
    const format = chooseFormat(values, output);
    const limit = parseLimit(values.limit);
    const action = parseAction(values.action);
    return withTarget(values, async (target) => {
      const queries = new DynamoDbAttributionQueries(target.documents, target.tableName);
      const rows = await collect(
        queries.recent({ fromMs, toMs, account, region, action, failed: values.failed }),
        limit,
      );
      await print(rows, format, output, `Nothing recorded in that window in ${target.description}.`);
      return 0;
    });
  },
};
