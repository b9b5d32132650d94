/** The ec2trail command line: dispatches to subcommands and turns every failure into one line. */

import { didYouMean } from '../lib/closest-name';
import { explainAwsError } from './aws-errors';
import type { Command, Output } from './command';
import { UsageError, UserFacingError } from './errors';

// The bundle carries the version of the package it was built from.
const VERSION = (require('../package.json') as { version: string }).version;

interface Entry {
  readonly name: string;
  readonly summary: string;
  /** Loaded only when run, so a command never pays for another's dependencies (inspect loads no AWS SDK). */
  readonly load: () => Command;
}

const COMMANDS: readonly Entry[] = [
  {
    name: 'who',
    summary: 'who launched an instance, and its whole lifecycle newest first',
    load: () =>
      (require('./commands/query-commands') as typeof import('./commands/query-commands')).whoCommand,
  },
  {
    name: 'activity',
    summary: 'what one caller did, by ARN or by name',
    load: () =>
      (require('./commands/query-commands') as typeof import('./commands/query-commands')).activityCommand,
  },
  {
    name: 'recent',
    summary: 'everything in a time window, optionally for one account and region',
    load: () =>
      (require('./commands/query-commands') as typeof import('./commands/query-commands')).recentCommand,
  },
  {
    name: 'owners',
    summary: 'every instance that exists now, with the person behind it and the coverage',
    load: () => (require('./commands/owners') as typeof import('./commands/owners')).ownersCommand,
  },
  {
    name: 'costs',
    summary: 'per person, instance-hours and list-price cost in a window: who runs the expensive ones',
    load: () => (require('./commands/costs') as typeof import('./commands/costs')).costsCommand,
  },
  {
    name: 'digest',
    summary: 'the digest of a window: launches, alerts, top launchers, what still runs',
    load: () => (require('./commands/digest') as typeof import('./commands/digest')).digestCommand,
  },
  {
    name: 'report',
    summary: 'a window as one self-contained HTML file: charts, timelines, failed attempts',
    load: () => (require('./commands/report') as typeof import('./commands/report')).reportCommand,
  },
  {
    name: 'replay',
    summary: 'ingest CloudTrail history (files, folders, s3://) into the table, idempotently',
    load: () => (require('./commands/replay') as typeof import('./commands/replay')).replayCommand,
  },
  {
    name: 'backfill',
    summary: 'pull up to 90 days of lifecycle events from CloudTrail Event history',
    load: () => (require('./commands/backfill') as typeof import('./commands/backfill')).backfillCommand,
  },
  {
    name: 'drain',
    summary: 'replay the events in the dead-letter queue, then delete them',
    load: () => (require('./commands/drain') as typeof import('./commands/drain')).drainCommand,
  },
  {
    name: 'migrate',
    summary: 'move rows written before index sharding onto the sharded keys, idempotently',
    load: () => (require('./commands/migrate') as typeof import('./commands/migrate')).migrateCommand,
  },
  {
    name: 'doctor',
    summary: 'check that the deploy sees and records every event, and say what to fix',
    load: () => (require('./commands/doctor') as typeof import('./commands/doctor')).doctorCommand,
  },
  {
    name: 'inspect',
    summary: 'attribute the EC2 lifecycle events in CloudTrail files, folders or stdin',
    load: () => (require('./commands/inspect') as typeof import('./commands/inspect')).inspectCommand,
  },
  {
    name: 'policy',
    summary: 'check a policy file and print every problem',
    load: () => (require('./commands/policy') as typeof import('./commands/policy')).policyCommand,
  },
  {
    name: 'local',
    summary: 'the embedded store of this folder: start, status, stop, env (for the AWS CLI)',
    load: () => (require('./commands/local') as typeof import('./commands/local')).localCommand,
  },
  {
    name: 'demo',
    summary: 'the local tour: replay the example trail with alerts, then ask who',
    load: () => (require('./commands/demo') as typeof import('./commands/demo')).demoCommand,
  },
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'ec2trail: who launched, stopped and terminated your EC2 instances.',
    '',
    'Usage: ec2trail <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options: --version, --help, and --debug (stack traces for unexpected errors).',
    'Run "ec2trail <command> --help" (or "ec2trail help <command>") for the options of a command.',
  ].join('\n');
}

/** The process's own stdout and stderr, as the CLI entry (cli/entry.ts) runs it. */
export function processOutput(): Output {
  return {
    isTTY: process.stdout.isTTY === true,
    ...widthOf(),
    out(text) {
      return new Promise((resolve, reject) => {
        process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
      });
    },
    err(line) {
      process.stderr.write(`${line}\n`);
    },
  };
}

/** `--debug` anywhere before `--`, as in the AWS CLI: stack traces for unexpected errors. */
function withoutDebug(argv: readonly string[]): { args: string[]; debug: boolean } {
  const end = argv.indexOf('--');
  const options = end < 0 ? [...argv] : argv.slice(0, end);
  const args = options.filter((arg) => arg !== '--debug');
  return {
    args: end < 0 ? args : [...args, ...argv.slice(end)],
    debug: args.length !== options.length || Boolean(process.env.EC2TRAIL_DEBUG),
  };
}

/** A table fits the terminal, or the width COLUMNS names (as shells export it); a pipe takes all. */
function widthOf(): { columns?: number } {
  const columns = process.stdout.isTTY ? process.stdout.columns : Number(process.env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? { columns } : {};
}

/** Runs one ec2trail command line and returns its exit code; every failure becomes lines on `output.err`. */
export async function main(argv: readonly string[], output: Output = processOutput()): Promise<number> {
  const { args, debug } = withoutDebug(argv);
  let [name, ...rest] = args;
  // `ec2trail help who` is `ec2trail who --help`.
  if (name === 'help' && rest[0] !== undefined) [name, rest] = [rest[0], ['--help']];
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    await output.out(`${overview()}\n`);
    return 0;
  }
  if (name === '--version' || name === '-V' || name === '-v') {
    await output.out(`ec2trail ${VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    const names = COMMANDS.map((c) => c.name);
    output.err(
      `ec2trail: ${name.startsWith('-') ? 'unknown option' : 'unknown command'} "${name}"${didYouMean(name.replace(/^-+/, ''), names)}. Run "ec2trail --help" for the list.`,
    );
    return 2;
  }
  const command = entry.load();
  if (rest.includes('-h') || rest.includes('--help')) {
    await output.out(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, output);
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`ec2trail ${name}: ${error.message}`);
      output.err(`Run "ec2trail ${name} --help" for usage.`);
      return 2;
    }
    if (error instanceof UserFacingError) {
      output.err(`ec2trail ${name}: ${error.message}`);
      return error.exitCode;
    }
    const explained = explainAwsError(error);
    if (explained) {
      output.err(`ec2trail ${name}: ${explained}`);
      return 1;
    }
    // A bug, not a user mistake: still one line, with the stack only on request.
    const message = error instanceof Error ? error.message : String(error);
    output.err(`ec2trail ${name}: unexpected error: ${message}`);
    if (debug) output.err(error instanceof Error ? (error.stack ?? message) : message);
    else output.err('Run the same command with --debug to see the stack trace, and please report it.');
    return 70;
  }
}
