/**
 * Owner tags for history against a mocked EC2 (there is no EC2 emulator here), with requests
 * typed by the SDK's own command input types. DescribeTags takes up to 200 values per filter and
 * CreateTags fails whole when one id does not exist (EC2 API reference); what is checked is that
 * tags a resource has now are kept, a gone resource is counted, not fatal, and nothing is written
 * when the current tags cannot be read.
 */

import {
  CreateTagsCommand,
  type CreateTagsCommandInput,
  DescribeTagsCommand,
  type DescribeTagsCommandInput,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { HistoryOwnerTagger } from '../../cli/owner-tags/history-tagger';
import type { OwnerTagPlan } from '../../lambda/domain/owner-tags';

const ec2 = mockClient(EC2Client);
const awsError = (name: string) => Object.assign(new Error(`${name} from AWS`), { name });

const PLAN: OwnerTagPlan = {
  eventKey: 'k1',
  account: '111122223333',
  region: 'eu-west-1',
  calls: [
    {
      resources: ['i-1', 'i-2', 'eni-1'],
      tags: [
        { key: 'Owner', value: 'alice' },
        { key: 'LaunchedAt', value: '2026-03-02T09:15:04Z' },
      ],
    },
  ],
  kept: [{ resource: 'vol-1', key: 'Owner' }],
};

const tagger = (overwrite = false) =>
  new HistoryOwnerTagger({
    account: '111122223333',
    overwrite,
    ec2For: () => new EC2Client({ region: 'eu-west-1' }),
  });
const created = () =>
  ec2.commandCalls(CreateTagsCommand).map((c) => c.args[0].input as CreateTagsCommandInput);

beforeEach(() => ec2.reset());

describe('HistoryOwnerTagger', () => {
  it('reads the tags the resources have now and keeps their keys', async () => {
    ec2.on(DescribeTagsCommand).resolves({ Tags: [{ ResourceId: 'i-2', Key: 'Owner', Value: 'bob' }] });
    ec2.on(CreateTagsCommand).resolves({});
    const outcome = await tagger().apply(PLAN);
    const asked: DescribeTagsCommandInput = {
      Filters: [
        { Name: 'resource-id', Values: ['i-1', 'i-2', 'eni-1'] },
        { Name: 'key', Values: ['Owner', 'LaunchedAt'] },
      ],
      MaxResults: 1000,
    };
    expect(ec2.commandCalls(DescribeTagsCommand).map((c) => c.args[0].input)).toEqual([asked]);
    expect(created()).toEqual([
      {
        Resources: ['i-1', 'eni-1'],
        Tags: [
          { Key: 'Owner', Value: 'alice' },
          { Key: 'LaunchedAt', Value: '2026-03-02T09:15:04Z' },
        ],
      },
      { Resources: ['i-2'], Tags: [{ Key: 'LaunchedAt', Value: '2026-03-02T09:15:04Z' }] },
    ]);
    // 2 × 2 + 1 written; bob's Owner and the volume's Owner set at launch kept.
    expect(outcome).toEqual({ written: 5, kept: 2, gone: [], failed: [] });
  });

  it('writes over current tags only with overwrite on, and reads every page', async () => {
    ec2
      .on(DescribeTagsCommand)
      .resolvesOnce({ Tags: [{ ResourceId: 'i-2', Key: 'Owner' }], NextToken: 'p2' })
      .resolves({ Tags: [{ ResourceId: 'i-1', Key: 'LaunchedAt' }] });
    ec2.on(CreateTagsCommand).resolves({});
    const outcome = await tagger(true).apply(PLAN);
    expect(ec2.commandCalls(DescribeTagsCommand)[1]?.args[0].input).toMatchObject({ NextToken: 'p2' });
    expect(created().map((c) => c.Resources)).toEqual([['i-1', 'i-2', 'eni-1']]);
    expect(outcome.written).toBe(6);
  });

  it('finds the gone resource of a refused call one at a time, and tags the others', async () => {
    ec2.on(DescribeTagsCommand).resolves({ Tags: [] });
    ec2
      .on(CreateTagsCommand)
      .rejects(awsError('InvalidInstanceID.NotFound'))
      .on(CreateTagsCommand, { Resources: ['eni-1'] })
      .resolves({})
      .on(CreateTagsCommand, { Resources: ['i-2'] })
      .resolves({});
    const outcome = await tagger().apply(PLAN);
    expect(created().map((c) => c.Resources)).toEqual([['i-1', 'i-2', 'eni-1'], ['i-1'], ['i-2'], ['eni-1']]);
    expect(outcome).toEqual({ written: 4, kept: 1, gone: ['i-1'], failed: [] });
  });

  it('writes nothing when the current tags cannot be read, and says why', async () => {
    ec2.on(DescribeTagsCommand).rejects(awsError('UnauthorizedOperation'));
    const outcome = await tagger().apply(PLAN);
    expect(ec2.commandCalls(CreateTagsCommand)).toHaveLength(0);
    expect(outcome.failed).toEqual([{ resources: ['i-1', 'i-2', 'eni-1'], code: 'UnauthorizedOperation' }]);
  });

  it('asks about at most 200 resources per DescribeTags', async () => {
    ec2.on(DescribeTagsCommand).resolves({ Tags: [] });
    ec2.on(CreateTagsCommand).resolves({});
    const many = Array.from({ length: 450 }, (_, i) => `i-${i}`);
    await tagger().apply({ ...PLAN, calls: [{ resources: many, tags: [{ key: 'Owner', value: 'a' }] }] });
    expect(
      ec2.commandCalls(DescribeTagsCommand).map((c) => c.args[0].input.Filters?.[0]?.Values?.length),
    ).toEqual([200, 200, 50]);
  });

  it('leaves other accounts alone: their resources need their credentials', async () => {
    const other = { ...PLAN, account: '444455556666' };
    expect(tagger().canTag(other)).toBe(false);
    expect((await tagger().apply(other)).failed[0]?.code).toBe('OtherAccount');
    expect(ec2.calls()).toHaveLength(0);
  });
});
