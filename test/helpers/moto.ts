/**
 * Launches in moto's EC2 and the CloudTrail records of those launches, for tests that run a flow
 * against moto's server: the records are the root console fixture with moto's instance ids,
 * account and launch time, so what the flow acts on is really there.
 */
import { randomUUID } from 'node:crypto';
import {
  type _InstanceType,
  DescribeInstancesCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { MOTO_ACCOUNT } from '../../support/moto-server';
import { loadJson } from './fixtures';
import { motoConfig } from './services';

export { MOTO_ACCOUNT };

/** Launches `count` instances of `type` in moto; their ids and EC2's launch time. */
export async function launchInMoto(
  ec2: EC2Client,
  count = 3,
  type = 'p5.48xlarge',
): Promise<{ ids: string[]; launchTime: Date }> {
  const answer = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12c6146b',
      InstanceType: type as _InstanceType,
      MinCount: count,
      MaxCount: count,
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'gpu-burst' }] }],
    }),
  );
  const instances = answer.Instances ?? [];
  const launchTime = instances[0]?.LaunchTime;
  if (instances.length !== count || !launchTime) throw new Error('moto did not launch the instances');
  return { ids: instances.map((i) => i.InstanceId ?? ''), launchTime };
}

/** CloudTrail's record of that launch: the root console fixture, with moto's ids, account and time. */
export function launchEvent(ids: readonly string[], eventTime: Date) {
  const fixture = ['i-0b1b2c3d4e5f60001', 'i-0b1b2c3d4e5f60002', 'i-0b1b2c3d4e5f60003'];
  let text = JSON.stringify(loadJson('events/runinstances-root-console.json')).replaceAll(
    '111122223333',
    MOTO_ACCOUNT,
  );
  fixture.forEach((id, n) => {
    text = text.replaceAll(id, ids[n] ?? id);
  });
  const detail = JSON.parse(text) as {
    responseElements: { instancesSet: { items: unknown[] } };
  } & Record<string, unknown>;
  // As many instances as moto launched.
  const set = detail.responseElements.instancesSet;
  set.items = set.items.slice(0, ids.length);
  // CloudTrail writes whole seconds.
  detail.eventTime = `${eventTime.toISOString().slice(0, 19)}Z`;
  detail.eventID = randomUUID();
  return { 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.ec2', detail };
}

/** An instance's tags in moto. */
export async function tagsOf(ec2: EC2Client, id: string): Promise<Record<string, string>> {
  const answer = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  const instance = answer.Reservations?.[0]?.Instances?.[0];
  return Object.fromEntries((instance?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

/** An EC2 client on moto's server. */
export function motoEc2(region = 'us-east-1'): EC2Client {
  return new EC2Client(motoConfig(region));
}
