/**
 * Owner tags through EC2's CreateTags: one call per planned call (usually one per launch),
 * retried with backoff on throttling and on the NotFound errors EC2 answers shortly after a
 * launch (its API is eventually consistent), and never more than `maxAttempts` times.
 *
 * Without `overwrite`, the function's role may not tag a resource that already has the key (an
 * IAM deny on `aws:ResourceTag/<key>`), so a refused call is split into one call per resource and
 * key: the pairs refused then are left as they are. EC2 does not say why it refused, so when every
 * pair of a first delivery is refused, that counts as a failure: a missing permission is likelier
 * than a new instance that has all the keys already. On a repeat delivery it is the expected answer.
 */

import { CreateTagsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { codeOf } from '../../adapters/aws-retry';
import { backoffDelay } from '../../adapters/backoff';
import type { Ec2ClientFor } from '../../adapters/ec2-clients';
import type { OwnerTagPlan, TagCall } from '../../domain/owner-tags';
import type { OwnerTagger, OwnerTagOutcome } from './port';

export interface Ec2OwnerTaggerOptions {
  readonly clientFor: Ec2ClientFor;
  readonly overwrite: boolean;
  /** @default 5 */
  readonly maxAttempts?: number;
  /** The first wait; each next one doubles, with full jitter. @default 400 ms */
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

const RETRYABLE = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'InternalError',
  'ServiceUnavailable',
  'Unavailable',
  // Shortly after RunInstances, the new ids may not be visible to CreateTags yet.
  'InvalidInstanceID.NotFound',
  'InvalidNetworkInterfaceID.NotFound',
  'InvalidVolume.NotFound',
]);
const REFUSED = new Set(['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException']);

const pairs = (call: TagCall) => call.resources.length * call.tags.length;

export class Ec2OwnerTagger implements OwnerTagger {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: Ec2OwnerTaggerOptions) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 400;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  /** One CreateTags call, retried; resolves to null when written, else the error's code. */
  private async send(client: EC2Client, call: TagCall): Promise<string | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.send(
          new CreateTagsCommand({
            Resources: [...call.resources],
            Tags: call.tags.map((t) => ({ Key: t.key, Value: t.value })),
          }),
        );
        return null;
      } catch (error) {
        const code = codeOf(error);
        if (!RETRYABLE.has(code) || attempt >= this.maxAttempts) return code;
        await this.sleep(
          backoffDelay(attempt, { baseMs: this.baseDelayMs, jitter: 'full', random: this.random }),
        );
      }
    }
  }

  async apply(plan: OwnerTagPlan, options: { readonly repeat: boolean }): Promise<OwnerTagOutcome> {
    let client: EC2Client | null;
    try {
      client = await this.options.clientFor(plan.account, plan.region);
      if (client === null) return { written: 0, kept: plan.kept.length, problems: [], notOurs: true };
    } catch (error) {
      const total = plan.calls.reduce((n, c) => n + pairs(c), 0);
      return {
        written: 0,
        kept: plan.kept.length,
        problems: [
          `no EC2 client for ${plan.account ?? '?'}/${plan.region ?? '?'} (${total} tags): ${codeOf(error)}`,
        ],
      };
    }
    let written = 0;
    let refused = 0;
    const problems: string[] = [];
    for (const call of plan.calls) {
      const code = await this.send(client, call);
      if (code === null) {
        written += pairs(call);
        continue;
      }
      if (!REFUSED.has(code) || this.options.overwrite) {
        problems.push(`CreateTags on ${call.resources.join(' ')}: ${code}`);
        continue;
      }
      // Which pairs the no-overwrite guard refused: one resource and one key at a time.
      for (const resource of call.resources) {
        for (const tag of call.tags) {
          const single = await this.send(client, { resources: [resource], tags: [tag] });
          if (single === null) written++;
          else if (REFUSED.has(single)) refused++;
          else problems.push(`CreateTags ${tag.key} on ${resource}: ${single}`);
        }
      }
    }
    const planned = plan.calls.reduce((n, c) => n + pairs(c), 0);
    const allRefused = planned > 0 && refused === planned;
    if (allRefused && !options.repeat)
      problems.push(
        `every tag was refused (${planned}): the function's role may lack ec2:CreateTags for these keys, or the resources were tagged already`,
      );
    return { written, kept: plan.kept.length + (allRefused && !options.repeat ? 0 : refused), problems };
  }
}
