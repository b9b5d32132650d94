/**
 * Runs a trail backfill on the deployed state machine: one execution per account, region and
 * month, a few at a time, each named after what it reads so that running the same command again
 * skips what succeeded, redrives what failed and watches what still runs.
 */

import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  ListMapRunsCommand,
  RedriveExecutionCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { fingerprint } from '../../lambda/domain/fingerprint';
import type { TrailPrefix } from './trail-plan';

export interface MapCounts {
  succeeded: number;
  failed: number;
  total: number;
}

export interface BackfillProgress {
  readonly prefixesDone: number;
  readonly prefixes: number;
  readonly files: MapCounts;
}

export interface RunnerOptions {
  readonly stateMachineArn: string;
  readonly bucket: string;
  /** Executions running at once; each runs up to the map's MaxConcurrency batches. */
  readonly parallel: number;
  readonly pollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onProgress?: (progress: BackfillProgress) => void;
}

export type ExecutionOutcome = 'succeeded' | 'succeeded-earlier' | 'failed';

export interface PrefixOutcome {
  readonly prefix: TrailPrefix;
  readonly outcome: ExecutionOutcome;
  readonly executionArn: string;
  readonly status: string;
  readonly files: MapCounts;
}

/** An execution name (at most 80 characters) that says what it reads and is the same on every run. */
export function executionName(bucket: string, prefix: TrailPrefix): string {
  const id = fingerprint(`${bucket}/${prefix.prefix}`).slice(0, 10);
  return `ec2trail-${prefix.account}-${prefix.region}-${prefix.month}-${id}`.slice(0, 80);
}

/** An execution's ARN, from its state machine's and its name. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

export async function runOnStateMachine(
  sfn: SFNClient,
  plan: readonly TrailPrefix[],
  options: RunnerOptions,
): Promise<PrefixOutcome[]> {
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const counts = new Map<string, MapCounts>();
  const outcomes: PrefixOutcome[] = [];
  const report = () => {
    const files = { succeeded: 0, failed: 0, total: 0 };
    for (const c of counts.values()) {
      files.succeeded += c.succeeded;
      files.failed += c.failed;
      files.total += c.total;
    }
    options.onProgress?.({ prefixesDone: outcomes.length, prefixes: plan.length, files });
  };

  async function mapCounts(executionArn: string): Promise<MapCounts> {
    const { mapRuns } = await sfn.send(new ListMapRunsCommand({ executionArn }));
    const total = { succeeded: 0, failed: 0, total: 0 };
    for (const run of mapRuns ?? []) {
      if (!run.mapRunArn) continue;
      const { itemCounts } = await sfn.send(new DescribeMapRunCommand({ mapRunArn: run.mapRunArn }));
      total.succeeded += itemCounts?.succeeded ?? 0;
      total.failed += (itemCounts?.failed ?? 0) + (itemCounts?.timedOut ?? 0) + (itemCounts?.aborted ?? 0);
      total.total += itemCounts?.total ?? 0;
    }
    return total;
  }

  async function one(prefix: TrailPrefix): Promise<PrefixOutcome> {
    const name = executionName(options.bucket, prefix);
    const executionArn = executionArnOf(options.stateMachineArn, name);
    try {
      await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: options.stateMachineArn,
          name,
          input: JSON.stringify({ prefix: prefix.prefix }),
        }),
      );
    } catch (error) {
      if (errorName(error) !== 'ExecutionAlreadyExists') throw error;
      const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (status === 'SUCCEEDED') {
        const files = await mapCounts(executionArn);
        counts.set(name, files);
        return { prefix, outcome: 'succeeded-earlier', executionArn, status, files };
      }
      // Failed batches only are read again; those that succeeded are not.
      if (status !== 'RUNNING') await sfn.send(new RedriveExecutionCommand({ executionArn }));
    }
    for (;;) {
      const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      const files = await mapCounts(executionArn).catch(
        () => counts.get(name) ?? { succeeded: 0, failed: 0, total: 0 },
      );
      counts.set(name, files);
      report();
      if (status && status !== 'RUNNING' && status !== 'PENDING_REDRIVE')
        return {
          prefix,
          outcome: status === 'SUCCEEDED' ? 'succeeded' : 'failed',
          executionArn,
          status,
          files,
        };
      await sleep(options.pollMs ?? 5_000);
    }
  }

  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(options.parallel, plan.length)) }, async () => {
    while (next < plan.length) {
      const prefix = plan[next++];
      if (!prefix) break;
      outcomes.push(await one(prefix));
      report();
    }
  });
  await Promise.all(lanes);
  return outcomes.sort((a, b) => a.prefix.prefix.localeCompare(b.prefix.prefix));
}
