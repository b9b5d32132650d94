import { existsSync, readFileSync } from 'node:fs';
import { PolicyError } from '../../lambda/domain';
import { remediationSettingsOf } from '../../lambda/domain/remediation/settings';
import { ownerTagConflicts } from '../../lambda/domain/reserved-tags';
import { OwnerTagsSchema } from '../../lib/config';
import { DEFAULT_CONFIG_FILE } from '../../lib/config-file';
import { readPolicyFile } from '../../lib/policy-file';
import { type Command, parseFlags } from '../command';
import { UsageError } from '../errors';

export const policyCommand: Command = {
  usage: `Usage: ec2trail policy check FILE... [--config FILE]

Validates launch policy files (JSON, or YAML with a .yaml/.yml name) and prints every
problem with the path of its field. With the deploy's config (--config, or
${DEFAULT_CONFIG_FILE} when it is here), also refuses owner tags that the policy reserves:
"ec2trail:" and "aws:" keys, and the policy's protected tag keys. Exit status: 0 when every
file is valid, 1 otherwise, 2 on a usage mistake.`,

  async run(argv, output) {
    const { positionals, values } = parseFlags(argv, { config: { type: 'string' } });
    const ownerTagKeys = readOwnerTagKeys(values.config);
    const [sub, ...files] = positionals;
    if (sub !== 'check')
      throw new UsageError(
        sub === undefined
          ? 'policy needs a subcommand: check'
          : `unknown subcommand "${sub}" (expected: check)`,
      );
    if (files.length === 0) throw new UsageError('policy check needs at least one FILE');
    let invalid = 0;
    for (const file of files) {
      try {
        const policy = readPolicyFile(file);
        const conflicts = ownerTagConflicts(ownerTagKeys, policy);
        if (conflicts.length > 0) throw new PolicyError(file, conflicts);
        const rules = Object.entries(policy.rules ?? {})
          .filter(([, rule]) => rule?.enabled)
          .map(([id]) => id);
        await output.out(
          `${file}: valid, ${rules.length} rule${rules.length === 1 ? '' : 's'} on (${rules.join(', ') || 'none'})\n`,
        );
        const remediation = remediationSettingsOf(policy);
        if (remediation)
          await output.out(
            `  remediation: ${remediation.mode}, ${remediation.graceMs / 60_000} min grace (${[...remediation.remedies].map(([rule, remedy]) => `${rule}: ${remedy}`).join(', ')})\n`,
          );
      } catch (error) {
        if (!(error instanceof PolicyError)) throw error;
        invalid++;
        output.err(`${file}: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}`);
        for (const problem of error.problems) output.err(`  - ${problem}`);
      }
    }
    return invalid > 0 ? 1 : 0;
  },
};

/** The owner tag keys of the deploy's config, when there is one; none when it writes no owner tags. */
function readOwnerTagKeys(named: string | undefined): string[] {
  const file = named ?? DEFAULT_CONFIG_FILE;
  if (!existsSync(file)) {
    if (named !== undefined) throw new UsageError(`--config ${named}: the file does not exist`);
    return [];
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const ownerTags = (raw as { ownerTags?: unknown } | null)?.ownerTags;
  if (ownerTags === undefined) return [];
  // Keys only: the config's own problems are cdk synth's to report, in full.
  const parsed = OwnerTagsSchema.safeParse(ownerTags);
  if (parsed.success) return Object.keys(parsed.data.tags);
  const tags = (ownerTags as { tags?: unknown } | null)?.tags;
  return tags !== null && typeof tags === 'object' ? Object.keys(tags) : [];
}
