import { type Command, parseFlags } from '../command';
import { number } from '../counts';
import { UsageError } from '../errors';
import { type MigrationTally, migrateIndexKeys } from '../migrate/migration';
import { openTarget, TARGET_FLAGS, TARGET_HELP, targetOptions } from '../target';

export const migrateCommand: Command = {
  usage: `Usage: ec2trail migrate [options]

Gives the rows an earlier version wrote the keys of this version's indexes (byPerson, byDate),
step 2 of moving a deployed table (docs/table-move.md). Until it is done the CLI and the digest
read the legacy indexes too, so the table answers correctly throughout. It scans the table once
(in parallel segments) and updates each old row with a condition on what it read, so it can run
beside the live function, be stopped, and be run again: a second run changes nothing. When every
row is moved and both new indexes are active, it says so in the table (readers then leave the
legacy indexes alone, and step 3 may remove them).

  --dry-run           count the rows that would move, change nothing
  --segments N        parallel scan segments (default 4)
${TARGET_HELP}`,

  async run(argv, output) {
    const { values, positionals } = parseFlags(argv, {
      ...TARGET_FLAGS,
      'dry-run': { type: 'boolean' },
      segments: { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const segments = values.segments === undefined ? 4 : Number(values.segments);
    if (!Number.isInteger(segments) || segments < 1 || segments > 1_000_000)
      throw new UsageError(`--segments "${values.segments}" is not a whole number from 1 to 1000000`);
    const target = await openTarget(targetOptions(values));
    try {
      const tally = await migrateIndexKeys({
        documents: target.documents,
        tableName: target.tableName,
        segments,
        dryRun: values['dry-run'] === true,
        onProgress: progressBar(),
      });
      if (process.stderr.isTTY) process.stderr.write('\r\u001b[2K');
      const verb = values['dry-run'] ? 'would move' : 'moved';
      output.err(
        `Migrated ${target.description}: scanned ${number(tally.scanned)} items, ${verb} ${number(tally.moved)} rows to the byPerson and byDate keys` +
          (tally.raced > 0 ? `, ${number(tally.raced)} moved meanwhile by another writer` : '') +
          (tally.moved === 0 && tally.raced === 0 ? ' (nothing left to move)' : ''),
      );
      if (values['dry-run']) return 0;
      output.err(
        tally.done
          ? 'Every row is moved: readers now leave the legacy indexes alone, and the next deploy step may remove them.'
          : `Not finished: the table has no active ${tally.waitingFor.join(' and ')} index yet. Deploy step 2 (docs/table-move.md), wait for it, and run migrate again.`,
      );
      return tally.done ? 0 : 1;
    } finally {
      await target.close();
    }
  },
};

const WIDTH = 30;

/** A bar on a terminal, redrawn at most five times a second; nothing when stderr is not one. */
function progressBar(): (tally: Readonly<MigrationTally>) => void {
  if (!process.stderr.isTTY) return () => {};
  let last = 0;
  return (tally) => {
    const now = Date.now();
    if (now - last < 200) return;
    last = now;
    const total = tally.estimate !== null && tally.estimate >= tally.scanned ? tally.estimate : null;
    const share = total ? tally.scanned / total : null;
    const bar =
      share === null
        ? ''
        : `[${'#'.repeat(Math.round(share * WIDTH)).padEnd(WIDTH, '.')}] ${Math.floor(share * 100)}% `;
    process.stderr.write(
      `\r\u001b[2Kmigrating: ${bar}${number(tally.scanned)}${total ? ` of ~${number(total)}` : ''} items scanned, ${number(tally.moved)} moved`,
    );
  };
}
