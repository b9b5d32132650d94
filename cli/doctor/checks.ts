/** The checks of `ec2trail doctor`: facts from AWS in, plain-words verdicts (and what to do) out. */

import { STACK_OUTPUTS } from '../../lib/stack-outputs';
import type { DoctorAws } from './ports';
import { reservingPolicy } from './scp-check';
import { runTrailChecks } from './trail-checks';

export type Verdict = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  readonly check: string;
  readonly verdict: Verdict;
  readonly detail: string;
  /** What to do about it, for warn and fail. */
  readonly fix?: string;
}

export interface DoctorOptions {
  readonly stackName: string;
  /** The home region (where the stack is). */
  readonly region: string;
}

const ok = (check: string, detail: string): CheckResult => ({ check, verdict: 'ok', detail });
const bad = (verdict: 'warn' | 'fail', check: string, detail: string, fix: string): CheckResult => ({
  check,
  verdict,
  detail,
  fix,
});

/** Runs every check; a check that cannot be made (an AWS error) fails with the reason rather than stopping the others. */
export async function runChecks(aws: DoctorAws, options: DoctorOptions): Promise<CheckResult[]> {
  const outputs = await aws.stackOutputs(options.stackName);
  if (!outputs) {
    return [
      bad(
        'fail',
        'stack',
        `no stack "${options.stackName}" in ${options.region}`,
        'Deploy it with npx cdk deploy, or pass --stack and --region for where it is.',
      ),
    ];
  }
  const results: CheckResult[] = [ok('stack', `${options.stackName} is deployed in ${options.region}`)];
  const attempt = async (check: string, run: () => Promise<CheckResult | CheckResult[]>) => {
    try {
      const result = await run();
      results.push(...(Array.isArray(result) ? result : [result]));
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      results.push(
        bad(
          'fail',
          check,
          `could not check: ${message}`,
          'Check that your credentials may read this (see the README, "Knowing it works").',
        ),
      );
    }
  };
  const regions = (outputs[STACK_OUTPUTS.regions] ?? options.region).split(',').filter(Boolean);

  for (const region of regions) {
    await attempt(`trail ${region}`, async () => {
      const trails = await aws.trails(region);
      const good = trails.filter((t) => t.logging && t.writeManagementEvents);
      if (good.length > 0)
        return ok(`trail ${region}`, `${good.map((t) => t.name).join(', ')} records management events here`);
      const stopped = trails.find((t) => !t.logging);
      if (stopped) {
        return bad(
          'fail',
          `trail ${region}`,
          `trail ${stopped.name} is not logging`,
          `Start it: aws cloudtrail start-logging --name ${stopped.name}. EventBridge gets no CloudTrail events without a logging trail.`,
        );
      }
      if (trails.length > 0) {
        return bad(
          'fail',
          `trail ${region}`,
          `trail ${trails[0]?.name} does not record write management events`,
          'Include management events (read and write, or write only) in its event selectors.',
        );
      }
      return bad(
        'fail',
        `trail ${region}`,
        'no trail records management events in this region',
        'Create a multi-region trail (or an organization trail): aws cloudtrail create-trail --name ec2trail --s3-bucket-name <bucket> --is-multi-region-trail, then start-logging.',
      );
    });
  }

  await attempt('rules', async () => {
    const names = [
      outputs[STACK_OUTPUTS.ruleName],
      outputs[STACK_OUTPUTS.trailRuleName],
      outputs[STACK_OUTPUTS.trailLogRuleName],
    ].filter((n): n is string => Boolean(n));
    const found = await Promise.all(names.map((name) => aws.rule(name, options.region)));
    const missing = names.filter((_, i) => !found[i]);
    const disabled = found.filter((r) => r && !r.enabled).map((r) => r?.name);
    if (missing.length > 0)
      return bad(
        'fail',
        'rules',
        `rule ${missing.join(', ')} does not exist`,
        'Redeploy the stack: npx cdk deploy.',
      );
    if (disabled.length > 0)
      return bad(
        'fail',
        'rules',
        `rule ${disabled.join(', ')} is disabled`,
        `Enable it: aws events enable-rule --name ${disabled[0]}.`,
      );
    return ok('rules', `${names.length} rule${names.length === 1 ? '' : 's'} enabled in ${options.region}`);
  });

  for (const region of regions.filter((r) => r !== options.region)) {
    const stack = `${options.stackName}-Forwarder-${region}`;
    await attempt(`forwarder ${region}`, async () => {
      const rules = await aws.stackRules(stack, region);
      if (rules === null)
        return bad(
          'fail',
          `forwarder ${region}`,
          `no stack ${stack} in ${region}`,
          'Deploy every stack of the app: npx cdk deploy --all.',
        );
      const disabled = rules.filter((r) => !r.enabled);
      if (rules.length === 0)
        return bad(
          'fail',
          `forwarder ${region}`,
          `${stack} has no rule`,
          'Redeploy it: npx cdk deploy --all.',
        );
      if (disabled.length > 0)
        return bad(
          'fail',
          `forwarder ${region}`,
          `rule ${disabled[0]?.name} is disabled`,
          `Enable it: aws events enable-rule --name ${disabled[0]?.name} --region ${region}.`,
        );
      return ok(
        `forwarder ${region}`,
        `${rules.length} forwarding rule${rules.length === 1 ? '' : 's'} enabled`,
      );
    });
  }

  const functionName = outputs[STACK_OUTPUTS.functionName];
  if (functionName) {
    await attempt('function', async () => {
      const [state, errors] = await Promise.all([
        aws.functionState(functionName),
        aws.functionErrors(functionName, 24),
      ]);
      if (
        state.state !== 'Active' ||
        (state.lastUpdate !== 'Successful' && state.lastUpdate !== 'InProgress')
      ) {
        return bad(
          'fail',
          'function',
          `${functionName} is ${state.state} (last update ${state.lastUpdate})`,
          "Redeploy the stack and read the function's log group for why.",
        );
      }
      if (errors > 0) {
        return bad(
          'warn',
          'function',
          `${errors} error${errors === 1 ? '' : 's'} in the last 24 hours`,
          "Read the function's logs; failed events were retried and, if still failing, are in the dead-letter queue.",
        );
      }
      return ok('function', `${functionName} is active, no errors in the last 24 hours`);
    });
  }

  const queueUrl = outputs[STACK_OUTPUTS.deadLetterQueueUrl];
  if (queueUrl) {
    await attempt('dead letters', async () => {
      const depth = await aws.queueDepth(queueUrl);
      return depth === 0
        ? ok('dead letters', 'the dead-letter queue is empty')
        : bad(
            'fail',
            'dead letters',
            `${depth} event${depth === 1 ? '' : 's'} waiting in the dead-letter queue: not recorded yet`,
            'Replay them: npx ec2trail drain.',
          );
    });
  }

  await runTrailChecks(aws, outputs, options.stackName, attempt);

  const topicArn = outputs[STACK_OUTPUTS.topicArn];
  if (topicArn) {
    await attempt('subscriptions', async () => {
      const subscriptions = await aws.subscriptions(topicArn);
      if (subscriptions.length === 0) {
        return bad(
          'warn',
          'subscriptions',
          'nobody is subscribed to alerts',
          'Set alertEmails or alertPhones in ec2trail.config.json and redeploy.',
        );
      }
      const pending = subscriptions.filter((s) => !s.confirmed);
      if (pending.length > 0) {
        return bad(
          'warn',
          'subscriptions',
          `${pending.length} of ${subscriptions.length} not confirmed: ${pending.map((s) => s.endpoint).join(', ')}`,
          'Each address must click the link in "AWS Notification - Subscription Confirmation"; no alert reaches it before.',
        );
      }
      return ok(
        'subscriptions',
        `${subscriptions.length} confirmed (${subscriptions.map((s) => s.protocol).join(', ')})`,
      );
    });
  }

  if (outputs[STACK_OUTPUTS.remediationMode] === 'enforce') {
    await attempt('launcher opt-out', async () => {
      const scps = await aws.serviceControlPolicies();
      if (!scps.readable)
        return bad(
          'warn',
          'launcher opt-out',
          `cannot tell whether a service control policy reserves ec2trail:ack at launch: ${scps.reason}`,
          'Run doctor with the management account (or a delegated administrator) to check, or attach policy/scp-reserve-ec2trail-tags.json.',
        );
      const reserving = reservingPolicy(scps.policies);
      return reserving
        ? ok('launcher opt-out', `service control policy ${reserving} reserves ec2trail:ack at launch`)
        : bad(
            'warn',
            'launcher opt-out',
            `no service control policy on this account reserves ec2trail:ack at launch (${scps.policies.length} checked): any launcher can keep their instance from being stopped`,
            'Attach policy/scp-reserve-ec2trail-tags.json (docs/remediation.md) after naming the principals who may opt out.',
          );
    });
  }

  const stackSet = outputs[STACK_OUTPUTS.stackSetName];
  if (stackSet) {
    await attempt('member accounts', async () => {
      const facts = await aws.stackSet(stackSet);
      if (!facts || facts.status !== 'ACTIVE') {
        return bad(
          'fail',
          'member accounts',
          `StackSet ${stackSet} is ${facts?.status ?? 'missing'}`,
          'Enable trusted access for CloudFormation StackSets in AWS Organizations, then redeploy.',
        );
      }
      if (facts.notCurrent > 0) {
        return bad(
          'warn',
          'member accounts',
          `${facts.notCurrent} of ${facts.instances} forwarder stacks are not current`,
          "Look at the StackSet's instances in the CloudFormation console for the reason.",
        );
      }
      return ok('member accounts', `${facts.instances} forwarder stacks current`);
    });
  }
  return results;
}
