/** ec2trail report: a window of the table as one self-contained HTML file to look at or print. */

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DynamoDbAttributionQueries } from '../../lambda/adapters/dynamodb-attribution-queries';
import { DynamoDbInventorySnapshots } from '../../lambda/adapters/dynamodb-inventory-snapshots';
import { DynamoDbSentAlerts } from '../../lambda/adapters/dynamodb-sent-alerts';
import { collectDigestInputs } from '../../lambda/digest/collect';
import { withForgotten } from '../../lambda/domain/digest/summarize';
import { forgottenSection } from '../../lambda/domain/inventory/snapshot';
import { type Command, parseFlags } from '../command';
import { UsageError } from '../errors';
import { renderReportHtml } from '../report/render-html';
import { buildReport } from '../report/report-model';
import { openTarget, TARGET_FLAGS, TARGET_HELP, targetOptions } from '../target';
import { parseWindow, WINDOW_FLAGS, windowHelp } from '../time-window';

export const reportCommand: Command = {
  usage: `Usage: ec2trail report --html FILE [options]

Writes one self-contained HTML file (inline SVG, no script, nothing fetched): the window's
figures, launches per day by person and by service, violations by rule and severity, the
failed attempts, and a timeline per instance (launch, stops and starts, terminate, each with
the person behind it). It prints well.

  --html FILE         where to write the report ("-" for stdout)
${windowHelp('30d')}
${TARGET_HELP}`,

  async run(argv, output) {
    const { values, positionals } = parseFlags(argv, {
      ...TARGET_FLAGS,
      ...WINDOW_FLAGS,
      html: { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (!values.html) throw new UsageError('--html FILE is required: where to write the report');
    const { fromMs, toMs, account, region } = parseWindow(values, '30d');
    const target = await openTarget(targetOptions(values));
    try {
      const window = { fromMs, toMs };
      const inputs = await collectDigestInputs(
        new DynamoDbAttributionQueries(target.documents, target.tableName),
        new DynamoDbSentAlerts(target.documents, target.tableName),
        window,
        { ...(account ? { account } : {}), ...(region ? { region } : {}) },
      );
      const built = buildReport(inputs.rows, inputs.alerts, window);
      // The latest inventory's possibly forgotten instances, when one was taken in the last two days.
      const snapshot = await new DynamoDbInventorySnapshots(target.documents, target.tableName).latest();
      const report = {
        ...built,
        digest: withForgotten(built.digest, forgottenSection(snapshot, Date.now())),
      };
      const html = renderReportHtml(report, new Date());
      if (values.html === '-') {
        await output.out(html);
        return 0;
      }
      const path = resolve(values.html);
      try {
        writeFileSync(path, html);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new UsageError(
          `cannot write ${path}: ${code === 'EISDIR' ? 'it is a folder' : code === 'ENOENT' ? 'its folder does not exist' : code === 'EACCES' ? 'permission denied' : String(code)}`,
        );
      }
      output.err(`Report written to ${path} (${inputs.rows.length} rows, ${Buffer.byteLength(html)} bytes).`);
      return 0;
    } finally {
      await target.close();
    }
  },
};
