/** ec2trail digest: the scheduled digest's numbers for any window, printed in the terminal. */

import { DynamoDbAttributionQueries } from '../../lambda/adapters/dynamodb-attribution-queries';
import { DynamoDbSentAlerts } from '../../lambda/adapters/dynamodb-sent-alerts';
import { collectDigestInputs } from '../../lambda/digest/collect';
import { digestEmail } from '../../lambda/domain/digest/render';
import { summarize } from '../../lambda/domain/digest/summarize';
import { type Command, parseFlags } from '../command';
import { UsageError } from '../errors';
import { openTarget, TARGET_FLAGS, TARGET_HELP, targetOptions } from '../target';
import { parseWindow, WINDOW_FLAGS, windowHelp } from '../time-window';

export const digestCommand: Command = {
  usage: `Usage: ec2trail digest [options]

Sums up a window of the table, as the scheduled digest does: instances launched, stopped,
started and terminated, failed attempts, alerts by severity and broken rules, the top
launchers, instances still running after breaking a rule, and what services launched for
whom.

${windowHelp('7d')}
  --person NAME       only what this person did or had services do (the name alerts
                      give in their person attribute, compared without case)
  --json              the digest as JSON instead of text
${TARGET_HELP}`,

  async run(argv, output) {
    const { values, positionals } = parseFlags(argv, {
      ...TARGET_FLAGS,
      ...WINDOW_FLAGS,
      person: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const { fromMs, toMs, account, region } = parseWindow(values, '7d');
    if (values.person !== undefined && values.person.trim() === '')
      throw new UsageError('--person needs a name, such as alice or jane@example.com');
    const target = await openTarget(targetOptions(values));
    try {
      const inputs = await collectDigestInputs(
        new DynamoDbAttributionQueries(target.documents, target.tableName),
        new DynamoDbSentAlerts(target.documents, target.tableName),
        { fromMs, toMs },
        { ...(account ? { account } : {}), ...(region ? { region } : {}) },
      );
      const digest = summarize(inputs.rows, inputs.alerts, { fromMs, toMs }, values.person?.trim());
      await output.out(values.json ? `${JSON.stringify(digest, null, 2)}\n` : `${digestEmail(digest)}\n`);
      return 0;
    } finally {
      await target.close();
    }
  },
};
