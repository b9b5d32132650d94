import type { AttributionRecord, Violation } from '../../lambda/domain';
import { MemoryLineage, resolveRecord } from '../../lambda/domain/lineage/resolve';
import { ownerTagsPerInstance } from '../../lambda/domain/owner-tags';
import { adviceOf } from '../../lambda/domain/policy/compile';
import {
  type FindingTarget,
  findingsOfEvent,
  findingTargetOf,
  productArnOf,
} from '../../lambda/domain/security-hub/finding';
import { attributeInputs, describeTally, emptyTally } from '../attribution-stream';
import { type Command, parseFlags } from '../command';
import { choosePolicy, policyLine } from '../deployed-policy';
import { UsageError } from '../errors';
import { readInputs } from '../inputs';
import { chooseOwnerTags } from '../owner-tags/deployed';
import { loadPolicyFile, PolicyEvaluator } from '../policy-evaluator';
import { recordColumns } from '../record-columns';
import { recordLines } from '../record-json';
import { CSV_FIELDS, delimitedLines, outputFormat } from '../rows-output';
import { type Column, renderTable } from '../table';

type Row = AttributionRecord & { readonly violations: readonly Violation[] };

/** The query commands' CSV fields, less where a row was stored (inspect stores nothing), plus the verdict. */
const INSPECT_FIELDS: readonly (readonly [string, (r: Row) => string | null | undefined])[] = [
  ...CSV_FIELDS.filter(([name]) => name !== 'ingestedBy'),
  ['violations', (r) => r.violations.map((v) => `${v.severity}:${v.rule}`).join(' ')],
];

const COLUMNS: readonly Column<Row>[] = [
  ...recordColumns<Row>(),
  {
    header: 'VIOLATIONS',
    value: (r) =>
      r.violations.length === 0
        ? ''
        : r.violations.map((v) => `${v.severity.toUpperCase()} ${v.rule}`).join(', '),
    max: 60,
  },
];

export const inspectCommand: Command = {
  usage: `Usage: ec2trail inspect [--output FORMAT | --json | --findings [--product-arn ARN]]
                        [--policy FILE | --config FILE] PATH...

Reads CloudTrail records in any shape (a record, a {"Records":[...]} log file, plain
or .json.gz, an EventBridge envelope, an Event History download, a JSON array, or
newline-delimited JSON) and prints one attribution record per (event, instance).

  PATH            a file, a folder (walked recursively), or - for stdin
  --output FORMAT table (the default), json (one object per line per record, and
                  nothing else on stdout), csv or text (tab-separated, as aws --output
                  text); AWS_DEFAULT_OUTPUT chooses it as in the AWS CLI
  --json          the same as --output json
  --policy FILE   the launch policy to check each event against (JSON or YAML);
                  default: the deployed one, the policyFile of ec2trail.config.json
                  here (or of --config FILE), else policy/default-policy.json.
                  Violations are a column of the table, and "violations" in JSON.
  --findings      print the Security Hub findings (ASFF, one JSON object per line)
                  that a deploy with securityHub would import for these events'
                  violations, instead of the records. Nothing is imported.
  --product-arn ARN  the deploy's product ARN for --findings
                  (arn:aws:securityhub:REGION:ACCOUNT:product/ACCOUNT/default);
                  default: each event's own account and region
  --config FILE   the deploy config whose policyFile to use, and whose ownerTags
                  (when set) are shown on launch records in JSON as "ownerTags": the
                  tags each instance would get. Nothing is written.
  -h, --help      show this help

Exit status: 0 when every input was read, 1 when an input could not be read
(each such input is named on stderr; the others are still processed), 2 on a
usage mistake.`,

  async run(argv, output) {
    const { values, positionals } = parseFlags(argv, {
      json: { type: 'boolean', default: false },
      output: { type: 'string' },
      policy: { type: 'string' },
      config: { type: 'string' },
      findings: { type: 'boolean', default: false },
      'product-arn': { type: 'string' },
    });
    if (positionals.length === 0)
      throw new UsageError('inspect needs at least one PATH (a file, a folder, or -)');
    if (values.json && values.output !== undefined && values.output !== 'json')
      throw new UsageError(`--json and --output ${values.output} ask for different formats: pick one`);
    if (values.findings && (values.json || values.output !== undefined))
      throw new UsageError('--findings prints findings, not records: leave out --json and --output');
    const productArn = values['product-arn'];
    if (productArn !== undefined && !values.findings) throw new UsageError('--product-arn is for --findings');
    const fixedTarget = productArn === undefined ? null : findingTargetOf(productArn);
    if (productArn !== undefined && !fixedTarget)
      throw new UsageError(
        `--product-arn "${productArn}" is not an account's default product ARN (arn:aws:securityhub:REGION:ACCOUNT:product/ACCOUNT/default)`,
      );
    // A table by default even into a pipe, as before; the environment may choose another.
    const format =
      values.json || values.findings
        ? 'json'
        : outputFormat(values.output, true, { warn: (line) => output.err(line) });
    const policy = choosePolicy(values.policy, values.config);
    const compiled = loadPolicyFile(policy.path);
    const evaluator = new PolicyEvaluator(compiled);
    const advice = adviceOf(compiled);
    const now = new Date();
    /** Where a deploy would import the event's findings: --product-arn, else the event's own account. */
    const targetOf = (record: AttributionRecord | undefined): FindingTarget | null => {
      if (fixedTarget) return fixedTarget;
      const { account, region } = record ?? {};
      if (!account || !region || !/^\d{12}$/.test(account)) return null;
      const partition = region.startsWith('cn-')
        ? 'aws-cn'
        : region.startsWith('us-gov-')
          ? 'aws-us-gov'
          : 'aws';
      return findingTargetOf(productArnOf(partition, region, account));
    };
    // Only a policy taken from the deploy config is named: the default and --policy surprise nobody.
    if (policy.fromConfig) output.err(policyLine(policy));
    const owner = chooseOwnerTags(values.config);
    if (owner && format === 'json')
      output.err(
        `ec2trail: owner tags of ${owner.shown} shown as "ownerTags" on launch records (nothing is written)`,
      );

    const tally = emptyTally();
    const tableRows: Row[] = [];
    let headerWritten = false;
    let buffer = '';
    const emit = async (records: readonly AttributionRecord[]) => {
      const violations = await evaluator.evaluate(records);
      if (format === 'table') {
        for (const record of records) tableRows.push({ ...record, violations });
        return;
      }
      if (values.findings) {
        if (violations.length === 0) return;
        const target = targetOf(records[0]);
        if (!target) {
          output.err(
            `ec2trail: ${records[0]?.eventKey}: the record names no account or region; pass --product-arn for its findings`,
          );
          return;
        }
        for (const finding of findingsOfEvent(records, violations, { target, now, advice }))
          buffer += `${JSON.stringify(finding)}\n`;
      } else if (format === 'json')
        buffer += recordLines(
          records,
          violations,
          owner ? ownerTagsPerInstance(records, owner.settings) : undefined,
        );
      else {
        buffer += delimitedLines(
          records.map((record) => ({ ...record, violations })),
          format,
          INSPECT_FIELDS,
          !headerWritten,
        );
        headerWritten = true;
      }
      if (buffer.length > 65_536) {
        await output.out(buffer);
        buffer = '';
      }
    };
    // Calls made by services wait until every input is read: their cause may be in a later file.
    const lineage = new MemoryLineage();
    const waiting: (readonly AttributionRecord[])[] = [];
    for await (const item of attributeInputs(readInputs(positionals), tally)) {
      if (item.kind === 'error') {
        output.err(`ec2trail: ${item.origin}: ${item.message}`);
        continue;
      }
      for (const record of item.records) lineage.add(record);
      if (item.records.some((r) => r.lineage.unresolved)) waiting.push(item.records);
      else await emit(item.records);
    }
    for (const records of waiting)
      await emit(await Promise.all(records.map((r) => resolveRecord(r, lineage))));
    if (format !== 'table') {
      if (buffer) await output.out(buffer);
    } else {
      if (tableRows.length > 0) await output.out(`${renderTable(tableRows, COLUMNS, output.columns)}\n`);
      else await output.out('No EC2 lifecycle events found.\n');
    }
    output.err(describeTally(tally));
    return tally.errors > 0 ? 1 : 0;
  },
};
