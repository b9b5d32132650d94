/**
 * The CreateTags adapter against a mocked EC2 client (there is no EC2 emulator): request shapes
 * typed by the SDK's own `CreateTagsCommandInput`, retries on throttling and on the NotFound that
 * EC2's eventual consistency gives right after a launch, and the no-overwrite guard's refusals.
 */

import { CreateTagsCommand, type CreateTagsCommandInput, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { homeAccountEc2 } from '../../lambda/adapters/ec2-clients';
import type { OwnerTagPlan } from '../../lambda/domain/owner-tags';
import { Ec2OwnerTagger } from '../../lambda/features/owner-tags/ec2-owner-tagger';

const ec2 = mockClient(EC2Client);
const client = new EC2Client({ region: 'eu-west-1' });

const PLAN: OwnerTagPlan = {
  eventKey: 'e-1',
  account: '111122223333',
  region: 'eu-west-1',
  calls: [
    {
      resources: ['i-0a1b2c3d4e5f60001', 'eni-0000000000000000a'],
      tags: [
        { key: 'Owner', value: 'alice' },
        { key: 'LaunchedAt', value: '2026-03-02T09:15:04Z' },
      ],
    },
  ],
  kept: [],
};

function awsError(code: string) {
  return Object.assign(new Error(`${code} from EC2`), { name: code });
}

function tagger(overwrite = false, maxAttempts = 5) {
  const waits: number[] = [];
  return {
    waits,
    tagger: new Ec2OwnerTagger({
      clientFor: async () => client,
      overwrite,
      maxAttempts,
      baseDelayMs: 100,
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 1,
    }),
  };
}

const sent = (): CreateTagsCommandInput[] => ec2.commandCalls(CreateTagsCommand).map((c) => c.args[0].input);

beforeEach(() => ec2.reset());

describe('Ec2OwnerTagger', () => {
  it('writes a launch in one CreateTags call', async () => {
    ec2.on(CreateTagsCommand).resolves({});
    const outcome = await tagger().tagger.apply(PLAN, { repeat: false });
    expect(outcome).toEqual({ written: 4, kept: 0, problems: [] });
    expect(sent()).toEqual([
      {
        Resources: ['i-0a1b2c3d4e5f60001', 'eni-0000000000000000a'],
        Tags: [
          { Key: 'Owner', Value: 'alice' },
          { Key: 'LaunchedAt', Value: '2026-03-02T09:15:04Z' },
        ],
      },
    ]);
  });

  it.each(['InvalidInstanceID.NotFound', 'InvalidNetworkInterfaceID.NotFound', 'RequestLimitExceeded'])(
    'retries %s with doubling waits, then writes',
    async (code) => {
      ec2.on(CreateTagsCommand).rejectsOnce(awsError(code)).rejectsOnce(awsError(code)).resolves({});
      const { tagger: t, waits } = tagger();
      expect(await t.apply(PLAN, { repeat: false })).toEqual({ written: 4, kept: 0, problems: [] });
      expect(waits).toEqual([100, 200]);
      expect(sent()).toHaveLength(3);
    },
  );

  it('gives up after the last attempt and says why, without throwing', async () => {
    ec2.on(CreateTagsCommand).rejects(awsError('RequestLimitExceeded'));
    const { tagger: t, waits } = tagger(false, 3);
    const outcome = await t.apply(PLAN, { repeat: false });
    expect(outcome.written).toBe(0);
    expect(outcome.problems).toEqual([
      'CreateTags on i-0a1b2c3d4e5f60001 eni-0000000000000000a: RequestLimitExceeded',
    ]);
    expect(sent()).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
  });

  it('does not retry an error that retrying cannot fix', async () => {
    ec2.on(CreateTagsCommand).rejects(awsError('InvalidParameterValue'));
    const outcome = await tagger().tagger.apply(PLAN, { repeat: false });
    expect(sent()).toHaveLength(1);
    expect(outcome.problems).toHaveLength(1);
  });

  it('splits a refused call to keep the tags a resource already has and write the rest', async () => {
    // The guard refuses any call that would write Owner on the instance, which has one.
    ec2.on(CreateTagsCommand).callsFake((input: CreateTagsCommandInput) => {
      const touchesOwner = input.Tags?.some((t) => t.Key === 'Owner');
      if (touchesOwner && input.Resources?.includes('i-0a1b2c3d4e5f60001'))
        throw awsError('UnauthorizedOperation');
      return {};
    });
    const outcome = await tagger().tagger.apply(PLAN, { repeat: false });
    expect(outcome).toEqual({ written: 3, kept: 1, problems: [] });
    // The refused call, then one call per resource and key.
    expect(sent()).toHaveLength(1 + 4);
  });

  it('counts a first delivery whose every tag is refused as a failure (a missing permission)', async () => {
    ec2.on(CreateTagsCommand).rejects(awsError('UnauthorizedOperation'));
    const outcome = await tagger().tagger.apply(PLAN, { repeat: false });
    expect(outcome.written).toBe(0);
    expect(outcome.problems).toEqual([expect.stringContaining('every tag was refused (4)')]);
  });

  it('takes every tag refused on a repeat delivery as tags written before', async () => {
    ec2.on(CreateTagsCommand).rejects(awsError('UnauthorizedOperation'));
    expect(await tagger().tagger.apply(PLAN, { repeat: true })).toEqual({
      written: 0,
      kept: 4,
      problems: [],
    });
  });

  it('with overwrite on, a refusal is a failure, not a kept tag', async () => {
    ec2.on(CreateTagsCommand).rejects(awsError('UnauthorizedOperation'));
    const outcome = await tagger(true).tagger.apply(PLAN, { repeat: false });
    expect(sent()).toHaveLength(1);
    expect(outcome).toMatchObject({ written: 0, kept: 0 });
    expect(outcome.problems).toHaveLength(1);
  });

  it("leaves another account's instances alone", async () => {
    const clientFor = homeAccountEc2('999999999999', () => client);
    const outcome = await new Ec2OwnerTagger({ clientFor, overwrite: false }).apply(PLAN, { repeat: false });
    expect(outcome).toMatchObject({ written: 0, notOurs: true });
    expect(sent()).toHaveLength(0);
  });

  it('makes one client per region of the home account', async () => {
    const made: string[] = [];
    const clientFor = homeAccountEc2('111122223333', (region) => {
      made.push(region);
      return client;
    });
    await clientFor('111122223333', 'eu-west-1');
    await clientFor('111122223333', 'eu-west-1');
    await clientFor('111122223333', 'us-east-1');
    expect(made).toEqual(['eu-west-1', 'us-east-1']);
    expect(await clientFor('111122223333', null)).toBeNull();
  });
});
