import { join } from 'node:path';
import { DynamoDbAttributionQueries } from '../../lambda/adapters/dynamodb-attribution-queries';
import { DynamoDbBatchImporter } from '../../lambda/adapters/dynamodb-batch-importer';
import { DynamoDbLineageStore } from '../../lambda/adapters/dynamodb-lineage-store';
import { PROJECT_ROOT } from '../../lib/project-root';
import { type Command, parseFlags } from '../command';
import { UsageError } from '../errors';
import { readInputs } from '../inputs';
import { describeReplay, Replayer } from '../replay/replayer';
import { renderRows } from '../rows-output';
import { importerOptions, openTarget, rowWriteOptions } from '../target';
import { eventSink } from './replay';

const EXAMPLES = join(PROJECT_ROOT, 'examples');
const DEMO_INSTANCE = 'i-0a1b2c3d4e5f60001';

export const demoCommand: Command = {
  usage: `Usage: ec2trail demo

Starts the embedded DynamoDB Local in memory, replays the example trail in examples/
through the same core, table and policy as the deployed function, prints each alert as
its email and SMS would read, then runs "ec2trail who ${DEMO_INSTANCE}". Nothing is kept.
Needs Java for DynamoDB Local; no AWS account.`,

  async run(argv, output) {
    const { positionals } = parseFlags(argv, {});
    if (positionals.length > 0) throw new UsageError('demo takes no arguments');
    output.err('Starting the embedded DynamoDB Local (in memory)…');
    const target = await openTarget({ local: true, inMemory: true });
    try {
      await output.out(`Replaying the example trail in ${EXAMPLES} with the default policy.\n\n`);
      const replayer = new Replayer({
        importer: new DynamoDbBatchImporter(
          target.documents,
          target.tableName,
          await importerOptions(target),
        ),
        lineage: new DynamoDbLineageStore(target.documents, target.tableName),
        ingestedBy: 'replay',
        now: () => new Date(),
        perEvent: eventSink(target, { local: true, ...(await rowWriteOptions(target)) }, output, {}),
        onInputError: (origin, message) => output.err(`ec2trail: ${origin}: ${message}`),
      });
      await replayer.run(readInputs([EXAMPLES]));
      await output.out(`Replayed: ${describeReplay(replayer.tally)}.\n\n`);
      await output.out(`$ ec2trail who ${DEMO_INSTANCE}\n`);
      const rows = [];
      for await (const row of new DynamoDbAttributionQueries(target.documents, target.tableName).lifecycle(
        DEMO_INSTANCE,
      ))
        rows.push(row);
      await output.out(renderRows(rows, 'table', null, output.columns));
      await output.out(
        [
          '',
          'Next: the same on your own trail logs, kept in .ec2trail/ here:',
          '  npx ec2trail replay --local --alerts path/to/AWSLogs/',
          '  npx ec2trail who --local i-0123456789abcdef0',
          '',
        ].join('\n'),
      );
      return replayer.tally.errors > 0 || replayer.tally.unwritten > 0 ? 1 : 0;
    } finally {
      await target.close();
    }
  },
};
