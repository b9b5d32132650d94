/**
 * The doctor's checks of the second path (config `trail`): that S3 announces new log files,
 * that they are read, and that none wait unread in the dead-letter queue. A broken notification
 * path fails silently (nothing is announced, so nothing errors), so the decisive check is
 * whether any file was read lately: a logging trail delivers one every few minutes.
 */

import { plural } from '../../lambda/domain/text';
import { METRIC } from '../../lambda/telemetry';
import { STACK_OUTPUTS } from '../../lib/stack-outputs';
import type { CheckResult } from './checks';
import type { DoctorAws } from './ports';

const HOURS = 24;

/** `arn:aws:sqs:region:account:name` from a queue URL, for the redrive command. */
export function queueArnFromUrl(url: string): string | null {
  const match = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/(\d{12})\/([^/]+)$/.exec(url);
  if (!match) return null;
  const [, region, account, name] = match;
  const partition = url.includes('.amazonaws.com.cn/') ? 'aws-cn' : 'aws';
  return `arn:${partition}:sqs:${region}:${account}:${name}`;
}

/** The bucket of `s3://bucket/prefix`. */
function bucketOf(location: string): string | null {
  return /^s3:\/\/([^/]+)/.exec(location)?.[1] ?? null;
}

function accessDenied(error: unknown): boolean {
  return (
    error instanceof Error && /AccessDenied|Forbidden|not authorized/i.test(`${error.name} ${error.message}`)
  );
}

type Attempt = (check: string, run: () => Promise<CheckResult | CheckResult[]>) => Promise<void>;

/** Runs the trail path's checks when the deploy has one (the stack output `TrailLocation`). */
export async function runTrailChecks(
  aws: DoctorAws,
  outputs: Record<string, string>,
  stackName: string,
  attempt: Attempt,
): Promise<void> {
  const location = outputs[STACK_OUTPUTS.trailLocation];
  if (!location) return;
  const bucket = bucketOf(location);

  if (bucket) {
    await attempt('trail bucket', async () => {
      let on: boolean;
      try {
        on = await aws.bucketSendsToEventBridge(bucket);
      } catch (error) {
        if (!accessDenied(error)) throw error;
        // A log-archive bucket belongs to another account: its settings are not ours to read.
        return {
          check: 'trail bucket',
          verdict: 'warn',
          detail: `cannot read ${bucket}'s notification settings from this account`,
          fix: `With the bucket account's credentials: aws s3api get-bucket-notification-configuration --bucket ${bucket} must show "EventBridgeConfiguration"; if not, deploy ${stackName}-LogArchive there.`,
        };
      }
      return on
        ? { check: 'trail bucket', verdict: 'ok', detail: `S3 sends ${bucket}'s new objects to EventBridge` }
        : {
            check: 'trail bucket',
            verdict: 'fail',
            detail: `S3 does not send ${bucket}'s events to EventBridge: no new log file is announced`,
            fix: `Redeploy (npx cdk deploy --all): the stack turns it on and keeps the bucket's other notifications. Someone may have replaced the bucket's notification configuration.`,
          };
    });
  }

  await attempt('trail files', async () => {
    const [read, failed, waiting] = await Promise.all([
      aws.appMetricSum(METRIC.trailFilesRead, HOURS),
      aws.appMetricSum(METRIC.trailFileFailures, HOURS),
      outputs[STACK_OUTPUTS.trailFileQueueUrl]
        ? aws.queueDepth(outputs[STACK_OUTPUTS.trailFileQueueUrl] as string)
        : Promise.resolve(0),
    ]);
    if (read === 0) {
      return {
        check: 'trail files',
        verdict: 'fail',
        detail: `no log file of ${location} read in the last ${HOURS} hours${waiting > 0 ? `, ${plural(waiting, 'announcement')} waiting` : ''}`,
        fix: `A logging trail delivers a file every few minutes. Check that the trail writes to ${location} (its bucket and prefix), that the rule ${outputs[STACK_OUTPUTS.trailLogRuleName] ?? '(TrailLogRuleName)'} is enabled, and the trail-file function's logs.`,
      };
    }
    const detail = `${plural(read, 'log file')} read in the last ${HOURS} hours, ${waiting} waiting`;
    if (failed > 0) {
      return {
        check: 'trail files',
        verdict: 'warn',
        detail: `${detail}; ${plural(failed, 'read')} failed (retried)`,
        fix: "Read the trail-file function's logs: a file that keeps failing goes to the trail dead-letter queue.",
      };
    }
    return { check: 'trail files', verdict: 'ok', detail };
  });

  const deadLetters = outputs[STACK_OUTPUTS.trailDeadLetterQueueUrl];
  if (deadLetters) {
    await attempt('trail dead letters', async () => {
      const depth = await aws.queueDepth(deadLetters);
      if (depth === 0)
        return { check: 'trail dead letters', verdict: 'ok', detail: 'no log file waits unread' };
      const arn = queueArnFromUrl(deadLetters);
      return {
        check: 'trail dead letters',
        verdict: 'fail',
        detail: `${plural(depth, 'log file')} could not be read after five tries: their events may be missing`,
        fix: `Read the trail-file function's logs for why (often the bucket or key policy), fix it, then send them back: aws sqs start-message-move-task --source-arn ${arn ?? deadLetters}.`,
      };
    });
  }

  await attempt('recovered events', async () => {
    const recovered = await aws.appMetricSum(METRIC.eventsRecoveredFromTrail, HOURS);
    return recovered === 0
      ? {
          check: 'recovered events',
          verdict: 'ok',
          detail: `EventBridge delivered every event the log files held in the last ${HOURS} hours`,
        }
      : {
          check: 'recovered events',
          verdict: 'warn',
          detail: `${plural(recovered, 'event')} came only from the log files in the last ${HOURS} hours (recorded and alerted late)`,
          fix: "EventBridge did not deliver them. Nothing is missing; look at the rules' FailedInvocations and the forwarders on the dashboard if it keeps happening.",
        };
  });
}
