/**
 * The doctor's reading of service control policies, against moto's AWS Organizations: an
 * organization with the shipped SCP attached to its root is found through the account's parents,
 * and the check names it. The adapter's clients reach moto through AWS_ENDPOINT_URL, as every
 * ec2trail client does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AttachPolicyCommand,
  CreateOrganizationCommand,
  CreatePolicyCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AwsDoctor } from '../../cli/doctor/aws-doctor';
import { reservingPolicy } from '../../cli/doctor/scp-check';
import { ROOT } from '../helpers/cli';
import { motoConfig, motoEndpoint } from '../helpers/services';

describe("the doctor's service control policies, on moto", () => {
  const saved = { ...process.env };
  afterAll(() => {
    process.env = saved;
  });

  it('reads the SCPs above the account and finds the one that reserves ec2trail:ack at launch', async () => {
    const org = new OrganizationsClient(motoConfig('us-east-1'));
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const rootId = (await org.send(new ListRootsCommand({}))).Roots?.[0]?.Id;
    if (!rootId) throw new Error('moto made no root');
    const created = await org.send(
      new CreatePolicyCommand({
        Name: 'reserve-ec2trail-tags',
        Description: 'ec2trail: only named principals opt out at launch',
        Type: 'SERVICE_CONTROL_POLICY',
        Content: readFileSync(join(ROOT, 'policy', 'scp-reserve-ec2trail-tags.json'), 'utf8'),
      }),
    );
    await org.send(
      new AttachPolicyCommand({ PolicyId: created.Policy?.PolicySummary?.Id, TargetId: rootId }),
    );
    org.destroy();

    Object.assign(process.env, {
      AWS_ENDPOINT_URL: motoEndpoint(),
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    const doctor = new AwsDoctor({ region: 'us-east-1' });
    try {
      const answer = await doctor.serviceControlPolicies();
      if (!answer.readable) throw new Error(answer.reason);
      expect(answer.policies.map((p) => p.name)).toContain('reserve-ec2trail-tags');
      expect(reservingPolicy(answer.policies)).toBe('reserve-ec2trail-tags');
    } finally {
      doctor.destroy();
    }
  });
});
