import { PolicyError } from '../../lambda/domain';
import { remediationSettingsOf } from '../../lambda/domain/remediation/settings';
import { readPolicyFile } from '../../lib/policy-file';
import { type Command, parseFlags } from '../command';
import { UsageError } from '../errors';

export const policyCommand: Command = {
  usage: `Usage: ec2trail policy check FILE...

Validates launch policy files (JSON, or YAML with a .yaml/.yml name) and prints every
problem with the path of its field. Exit status: 0 when every file is valid, 1 otherwise,
2 on a usage mistake.`,

  async run(argv, output) {
    const { positionals } = parseFlags(argv, {});
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
