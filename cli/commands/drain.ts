import { SQSClient } from '@aws-sdk/client-sqs';
import { STACK_OUTPUTS } from '../../lib/stack-outputs';
import { awsClientConfig } from '../aws-client-config';
import { type Command, parseFlags } from '../command';
import { count, number } from '../counts';
import { drainDeadLetters } from '../dead-letters';
import { choosePolicy, policyLine } from '../deployed-policy';
import { UsageError } from '../errors';
import {
  openTarget,
  rowWriteOptions,
  stackOutputs,
  TARGET_FLAGS,
  TARGET_HELP,
  targetOptions,
} from '../target';
import { eventSink } from './replay';

export const drainCommand: Command = {
  usage: `Usage: ec2trail drain [options]

Reads the dead-letter queue (EventBridge delivery failures and the function's own failed
invocations), records each event through the same handler as the function, alerts as
the function would have (the ledger keeps it to one alert per event), and deletes each
message only once its event is recorded. A message that cannot be processed stays in the
queue and is named. Rows say ingestedBy: "live": they are live events, delayed.

  --queue-url URL     the dead-letter queue (default: the deployed stack's output)
  --no-alerts         record only
  --policy FILE       the policy for alerts (default: the deployed one, the policyFile
                      of ec2trail.config.json here, else policy/default-policy.json)
  --config FILE       the deploy config whose policyFile to use
  --topic-arn ARN     the SNS topic for alerts (default: the deployed stack's)
  --max N             stop after N messages (default: until the queue is empty)
${TARGET_HELP}`,

  async run(argv, output) {
    const { values, positionals } = parseFlags(argv, {
      ...TARGET_FLAGS,
      'queue-url': { type: 'string' },
      'no-alerts': { type: 'boolean' },
      policy: { type: 'string' },
      config: { type: 'string' },
      'topic-arn': { type: 'string' },
      max: { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (values.max !== undefined && !/^[1-9]\d*$/.test(values.max))
      throw new UsageError(`--max "${values.max}" is not a positive whole number`);
    const options = targetOptions(values);
    const queueUrl =
      values['queue-url'] ??
      (values.local ? undefined : (await stackOutputs(options))[STACK_OUTPUTS.deadLetterQueueUrl]);
    if (!queueUrl)
      throw new UsageError(
        'drain needs the dead-letter queue: pass --queue-url URL, or deploy the stack and let ec2trail read its outputs',
      );

    const policy = values['no-alerts'] ? undefined : choosePolicy(values.policy, values.config);
    if (policy) output.err(policyLine(policy));
    const target = await openTarget(options);
    const sqs = new SQSClient(awsClientConfig('sqs', options));
    try {
      const sink = eventSink(
        target,
        {
          policy: policy?.path,
          topicArn: values['topic-arn'],
          local: values.local === true,
          alerts: !values['no-alerts'],
          ingestedBy: 'live',
          ...(await rowWriteOptions(target)),
        },
        output,
        options,
      );
      const tally = await drainDeadLetters({
        sqs,
        queueUrl,
        sink,
        ...(values.max ? { max: Number(values.max) } : {}),
        onKept: (id, reason) => output.err(`ec2trail: message ${id} kept in the queue: ${reason}`),
      });
      output.err(
        `Drained ${queueUrl} into ${target.description}: ${count(tally.processed, 'message')} processed and deleted, ${count(tally.written, 'record')} written, ${count(tally.alerts, 'alert')}, ${number(tally.kept)} kept in the queue`,
      );
      return tally.kept > 0 ? 1 : 0;
    } finally {
      sqs.destroy();
      await target.close();
    }
  },
};
