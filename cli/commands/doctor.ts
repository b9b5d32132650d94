import { resolveRegion } from '../aws-client-config';
import { type Command, parseFlags } from '../command';
import { AwsDoctor } from '../doctor/aws-doctor';
import { runChecks } from '../doctor/checks';
import { UsageError } from '../errors';
import { renderTable } from '../table';
import { DEFAULT_STACK } from '../target';

const MARK = { ok: 'ok', warn: 'WARN', fail: 'FAIL' } as const;

export const doctorCommand: Command = {
  usage: `Usage: ec2trail doctor [--stack NAME] [--region REGION] [--profile NAME]

Checks, with your AWS credentials, that the deploy can see and record every event:
a trail logs management events in each watched region; the rules and the forwarders
of other regions exist and are enabled; the function is healthy with no recent errors;
the dead-letter queue is empty; with a trail bucket, that S3 announces its log files,
that files were read in the last day and none wait unread; the alert subscriptions are
confirmed; and, with an organization, that the member StackSet is current. Each problem says what to do.
Read-only. Exit status: 0 when nothing failed, 1 otherwise.

  --stack NAME        the home stack (default: Ec2Trail)
  --region REGION     the home region (default: the profile's or AWS_REGION)
  --profile NAME      AWS profile
  --endpoint-url URL  the endpoint of every AWS service doctor asks (an emulator)`,

  async run(argv, output) {
    const { values, positionals } = parseFlags(argv, {
      stack: { type: 'string' },
      region: { type: 'string' },
      profile: { type: 'string' },
      'endpoint-url': { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const region = resolveRegion(values);
    if (!region)
      throw new UsageError(
        'doctor needs the home region: pass --region, set AWS_REGION, or give the profile a region',
      );
    const aws = new AwsDoctor({ region, profile: values.profile, endpointUrl: values['endpoint-url'] });
    try {
      const results = await runChecks(aws, { stackName: values.stack ?? DEFAULT_STACK, region });
      await output.out(
        `${renderTable(results, [
          { header: 'CHECK', value: (r) => r.check },
          { header: 'STATUS', value: (r) => MARK[r.verdict] },
          { header: 'DETAIL', value: (r) => r.detail, max: 100 },
        ])}\n`,
      );
      const toFix = results.filter((r) => r.fix);
      if (toFix.length > 0)
        await output.out(`\nWhat to do:\n${toFix.map((r) => `  ${r.check}: ${r.fix}`).join('\n')}\n`);
      return results.some((r) => r.verdict === 'fail') ? 1 : 0;
    } finally {
      aws.destroy();
    }
  },
};
