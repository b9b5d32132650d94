/** ec2trail digest: the scheduled digest's numbers for any window, printed in the terminal. */

import { DynamoDbAttributionQueries } from '../../lambda/adapters/dynamodb-attribution-queries';
import { DynamoDbInventorySnapshots } from '../../lambda/adapters/dynamodb-inventory-snapshots';
import { DynamoDbSentAlerts } from '../../lambda/adapters/dynamodb-sent-alerts';
import { collectDigestInputs } from '../../lambda/digest/collect';
import { digestEmail } from '../../lambda/domain/digest/render';
import { summarize, withForgotten } from '../../lambda/domain/digest/summarize';
import { forgottenSection } from '../../lambda/domain/inventory/snapshot';
import { type Command, parseFlags } from '../command';
import { UsageError } from '../errors';
import { openTarget, TARGET_FLAGS, TARGET_HELP, targetOptions } from '../target';
import { parseWindow, WINDOW_FLAGS, windowHelp } from '../time-window';

export const digestCommand: Command = {
  usage: `Usage: ec2trail digest [options]

Sums up a window of the table, as the scheduled digest does: instances launched, stopped,
started and terminated, failed attempts, alerts by severity and broken rules, the top
launchers, instances still running after breaking a rule, what services launched for whom,
and, when an inventory was taken in the last two days (ec2trail owners, or the scheduled
inventory), the instances running a long time and untouched.

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
      // The latest inventory's possibly forgotten instances, when it is recent (ec2trail owners, or the scheduled inventory).
      const snapshot = await new DynamoDbInventorySnapshots(target.documents, target.tableName).latest();
      const digest = withForgotten(
        summarize(inputs.rows, inputs.alerts, { fromMs, toMs }, values.person?.trim()),
        forgottenSection(snapshot, Date.now(), values.person?.trim()),
      );
      await output.out(values.json ? `${JSON.stringify(digest, null, 2)}\n` : `${digestEmail(digest)}\n`);
      return 0;
    } finally {
      await target.close();
    }
  },
};
