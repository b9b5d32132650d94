/**
 * Remediation's EC2 calls: CreateTags, DescribeInstances and StopInstances, through a client for
 * the instances' account and region. Throttling and the NotFound EC2 answers right after a launch
 * (eventual consistency) are retried; nothing else is.
 */

import {
  CreateTagsCommand,
  DescribeInstancesCommand,
  type EC2Client,
  type Instance,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { InstanceNow } from '../domain/remediation/decide';
import type { InstanceActions, StopAnswer } from '../ports';
import { codeOf, type RetryOptions, THROTTLED, withRetries } from './aws-retry';
import type { Ec2ClientFor } from './ec2-clients';

const AFTER_LAUNCH = new Set([...THROTTLED, 'InvalidInstanceID.NotFound']);
/** DescribeInstances takes at most 1,000 ids per call (EC2 API reference). */
const DESCRIBE_MAX = 1000;

const iso = (date: Date | undefined): string | null =>
  date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : null;

/** When the primary network interface, or else the root volume, was attached: the launch, across restarts. */
function attachedAt(instance: Instance): string | null {
  const primary = instance.NetworkInterfaces?.find((n) => n.Attachment?.DeviceIndex === 0);
  const nic = iso(primary?.Attachment?.AttachTime);
  if (nic !== null) return nic;
  const root = instance.BlockDeviceMappings?.find((b) => b.DeviceName === instance.RootDeviceName);
  return iso(root?.Ebs?.AttachTime);
}

export class Ec2InstanceActions implements InstanceActions {
  constructor(
    private readonly clientFor: Ec2ClientFor,
    private readonly retry: Omit<RetryOptions, 'retryable'> = {},
  ) {}

  private async client(where: { account: string; region: string }): Promise<EC2Client> {
    const client = await this.clientFor(where.account, where.region);
    // An account this deploy does not act in: named as EC2 names a refusal.
    if (client === null)
      throw Object.assign(new Error(`no EC2 client for account ${where.account}`), { name: 'NotOurAccount' });
    return client;
  }

  async tag(
    where: { readonly account: string; readonly region: string },
    instanceIds: readonly string[],
    tags: readonly { readonly key: string; readonly value: string }[],
  ): Promise<string | null> {
    let client: EC2Client;
    try {
      client = await this.client(where);
    } catch (error) {
      return codeOf(error);
    }
    const answer = await withRetries(
      () =>
        client.send(
          new CreateTagsCommand({
            Resources: [...instanceIds],
            Tags: tags.map((t) => ({ Key: t.key, Value: t.value })),
          }),
        ),
      { ...this.retry, retryable: AFTER_LAUNCH },
    );
    return answer.ok ? null : answer.code;
  }

  async describe(
    where: { readonly account: string; readonly region: string },
    instanceIds: readonly string[],
  ): Promise<ReadonlyMap<string, InstanceNow>> {
    const client = await this.client(where);
    const found = new Map<string, InstanceNow>();
    for (let i = 0; i < instanceIds.length; i += DESCRIBE_MAX) {
      const chunk = instanceIds.slice(i, i + DESCRIBE_MAX);
      // By filter rather than by id: an id EC2 no longer knows is then absent, not an error for the whole call.
      let token: string | undefined;
      do {
        const next = token;
        const answer = await withRetries(
          () =>
            client.send(
              new DescribeInstancesCommand({
                Filters: [{ Name: 'instance-id', Values: [...chunk] }],
                ...(next ? { NextToken: next } : {}),
              }),
            ),
          { ...this.retry, retryable: THROTTLED },
        );
        if (!answer.ok) throw answer.error;
        for (const reservation of answer.value.Reservations ?? []) {
          for (const instance of reservation.Instances ?? []) {
            if (!instance.InstanceId) continue;
            const tags: Record<string, string> = {};
            for (const tag of instance.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
            found.set(instance.InstanceId, {
              instanceId: instance.InstanceId,
              state: instance.State?.Name ?? null,
              tags,
              ownerId: reservation.OwnerId ?? null,
              launchTime: iso(instance.LaunchTime),
              attachedAt: attachedAt(instance),
            });
          }
        }
        token = answer.value.NextToken;
      } while (token);
    }
    return found;
  }

  async stop(
    where: { readonly account: string; readonly region: string },
    instanceIds: readonly string[],
  ): Promise<StopAnswer> {
    if (instanceIds.length === 0) return { stopped: [], failed: [] };
    let client: EC2Client;
    try {
      client = await this.client(where);
    } catch (error) {
      return { stopped: [], failed: instanceIds.map((instanceId) => ({ instanceId, code: codeOf(error) })) };
    }
    const all = await withRetries(
      () => client.send(new StopInstancesCommand({ InstanceIds: [...instanceIds] })),
      {
        ...this.retry,
        retryable: THROTTLED,
      },
    );
    if (all.ok) {
      const stopped = (all.value.StoppingInstances ?? []).flatMap((s) =>
        s.InstanceId ? [s.InstanceId] : [],
      );
      const missing = instanceIds.filter((id) => !stopped.includes(id));
      return { stopped, failed: missing.map((instanceId) => ({ instanceId, code: 'NotInResponse' })) };
    }
    if (instanceIds.length === 1)
      return { stopped: [], failed: [{ instanceId: instanceIds[0] ?? '', code: all.code }] };
    // One refused id (the IAM condition, a state change) fails the whole call: find which, one at a time.
    const stopped: string[] = [];
    const failed: { instanceId: string; code: string }[] = [];
    for (const instanceId of instanceIds) {
      const one = await this.stop(where, [instanceId]);
      stopped.push(...one.stopped);
      failed.push(...one.failed);
    }
    return { stopped, failed };
  }
}
