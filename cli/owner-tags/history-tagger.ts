/**
 * Owner tags for history (`replay --apply-owner-tags --yes`), with the user's own credentials.
 * Unlike the function, which tags a launch seconds after it, this tags resources that may have
 * been tagged, changed or deleted since: it reads their tags first (DescribeTags) and, without
 * `overwrite`, keeps every key a resource has now. A resource that is gone is counted, not an error.
 */

import { CreateTagsCommand, DescribeTagsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { codeOf } from '../../lambda/adapters/aws-retry';
import { type OwnerTagPlan, planAgainstCurrentTags, type TagCall } from '../../lambda/domain/owner-tags';

/** DescribeTags takes up to 200 values per filter (EC2 API reference, "Filters"). */
const FILTER_VALUES_MAX = 200;

export interface HistoryTagOutcome {
  /** Resource-tag pairs written. */
  readonly written: number;
  /** Pairs left alone: the resource had the key at launch or has it now. */
  readonly kept: number;
  /** Resources that no longer exist. */
  readonly gone: readonly string[];
  /** Calls that failed, with the error's code. */
  readonly failed: readonly { readonly resources: readonly string[]; readonly code: string }[];
}

export interface HistoryOwnerTaggerOptions {
  /** The account of the credentials: only its resources can be tagged. */
  readonly account: string;
  readonly overwrite: boolean;
  readonly ec2For: (region: string) => EC2Client;
}

const pairs = (call: TagCall) => call.resources.length * call.tags.length;
const isNotFound = (code: string) => code.endsWith('.NotFound') || code === 'InvalidID';

export class HistoryOwnerTagger {
  private readonly clients = new Map<string, EC2Client>();

  constructor(private readonly options: HistoryOwnerTaggerOptions) {}

  /** Whether the plan's resources are in the credentials' account (else they cannot be tagged here). */
  canTag(plan: OwnerTagPlan): boolean {
    return plan.account === this.options.account && plan.region !== null;
  }

  private client(region: string): EC2Client {
    let client = this.clients.get(region);
    if (!client) {
      client = this.options.ec2For(region);
      this.clients.set(region, client);
    }
    return client;
  }

  /** The keys each resource has now, among the ones the plan writes. */
  private async currentTags(client: EC2Client, plan: OwnerTagPlan): Promise<Map<string, Set<string>>> {
    const resources = [...new Set(plan.calls.flatMap((c) => c.resources))];
    const keys = [...new Set(plan.calls.flatMap((c) => c.tags.map((t) => t.key)))];
    const current = new Map<string, Set<string>>();
    for (let i = 0; i < resources.length; i += FILTER_VALUES_MAX) {
      let token: string | undefined;
      do {
        const page = await client.send(
          new DescribeTagsCommand({
            Filters: [
              { Name: 'resource-id', Values: resources.slice(i, i + FILTER_VALUES_MAX) },
              { Name: 'key', Values: keys },
            ],
            MaxResults: 1000,
            ...(token ? { NextToken: token } : {}),
          }),
        );
        for (const tag of page.Tags ?? []) {
          if (!tag.ResourceId || !tag.Key) continue;
          const set = current.get(tag.ResourceId) ?? new Set<string>();
          set.add(tag.Key);
          current.set(tag.ResourceId, set);
        }
        token = page.NextToken;
      } while (token);
    }
    return current;
  }

  private async create(client: EC2Client, call: TagCall): Promise<string | null> {
    try {
      await client.send(
        new CreateTagsCommand({
          Resources: [...call.resources],
          Tags: call.tags.map((t) => ({ Key: t.key, Value: t.value })),
        }),
      );
      return null;
    } catch (error) {
      return codeOf(error);
    }
  }

  /** Writes one launch's tags; never throws: what failed is in the outcome. */
  async apply(plan: OwnerTagPlan): Promise<HistoryTagOutcome> {
    if (!this.canTag(plan) || plan.region === null)
      return {
        written: 0,
        kept: 0,
        gone: [],
        failed: [{ resources: plan.calls.flatMap((c) => c.resources), code: 'OtherAccount' }],
      };
    const client = this.client(plan.region);
    let current: Map<string, Set<string>>;
    try {
      current = await this.currentTags(client, plan);
    } catch (error) {
      // Without knowing the tags they have now, writing could replace a team's own: write nothing.
      return {
        written: 0,
        kept: 0,
        gone: [],
        failed: [{ resources: plan.calls.flatMap((c) => c.resources), code: codeOf(error) }],
      };
    }
    const { calls, kept } = planAgainstCurrentTags(plan, current, this.options.overwrite);
    let written = 0;
    const gone: string[] = [];
    const failed: { resources: readonly string[]; code: string }[] = [];
    for (const call of calls) {
      const code = await this.create(client, call);
      if (code === null) {
        written += pairs(call);
        continue;
      }
      if (!isNotFound(code) || call.resources.length === 1) {
        if (isNotFound(code)) gone.push(...call.resources);
        else failed.push({ resources: call.resources, code });
        continue;
      }
      // One missing id fails the whole call: find which, one resource at a time.
      for (const resource of call.resources) {
        const single = await this.create(client, { resources: [resource], tags: call.tags });
        if (single === null) written += call.tags.length;
        else if (isNotFound(single)) gone.push(resource);
        else failed.push({ resources: [resource], code: single });
      }
    }
    return { written, kept: kept.length, gone, failed };
  }
}
