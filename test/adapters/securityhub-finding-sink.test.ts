/**
 * The finding sink against a mocked Security Hub, with requests typed by the SDK's own
 * BatchImportFindingsCommandInput. From the Security Hub API reference: at most 100 findings
 * per request, and a refused finding is reported in the answer (`FailedFindings`, with its id,
 * code and message), not as an error. Both kinds of loss must come back to the caller.
 */

import {
  BatchImportFindingsCommand,
  type BatchImportFindingsCommandInput,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { compilePolicy, evaluate, parsePolicy } from '../../lambda/domain';
import type { AttributionRecord } from '../../lambda/domain/record';
import { type Finding, findingsFor, findingTargetOf } from '../../lambda/domain/security-hub/finding';
import { SecurityHubFindingSink } from '../../lambda/features/security-hub/finding-sink';
import { recordsOf } from '../helpers/fixtures';

const hub = mockClient(SecurityHubClient);
const target = findingTargetOf('arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default');
if (!target) throw new Error('the product ARN did not parse');
const policy = compilePolicy(
  parsePolicy({ rules: { rootUser: {}, instanceType: { deny: ['p5.*'] } } }, 'test'),
);

/** A launch of `count` instances by root, each breaking the same two rules: `2 × count` findings. */
function launchFindings(count: number): Finding[] {
  const [one] = recordsOf('events/runinstances-root-console.json');
  const records: AttributionRecord[] = Array.from({ length: count }, (_, n) => ({
    ...(one as AttributionRecord),
    instanceId: `i-${String(n).padStart(17, '0')}`,
  }));
  return findingsFor(records, evaluate(records, policy, {}), {
    target: target as NonNullable<typeof target>,
    now: new Date('2026-03-02T10:05:00Z'),
    advice: {},
  });
}

const REQUIRED = [
  'AwsAccountId',
  'CreatedAt',
  'Description',
  'GeneratorId',
  'Id',
  'ProductArn',
  'Resources',
  'SchemaVersion',
  'Severity',
  'Title',
  'Types',
  'UpdatedAt',
] as const;

const sent = (): BatchImportFindingsCommandInput[] =>
  hub.commandCalls(BatchImportFindingsCommand).map((c) => c.args[0].input);

beforeEach(() => hub.reset());

describe('SecurityHubFindingSink', () => {
  it('imports 250 findings as 100 + 100 + 50, each once, with the required fields', async () => {
    hub.on(BatchImportFindingsCommand).callsFake((input: BatchImportFindingsCommandInput) => ({
      FailedCount: 0,
      SuccessCount: input.Findings?.length ?? 0,
      FailedFindings: [],
    }));
    const findings = launchFindings(125);
    expect(findings).toHaveLength(250);
    const outcome = await new SecurityHubFindingSink(new SecurityHubClient({ region: 'us-east-1' })).import(
      findings,
    );
    expect(outcome).toEqual({ imported: 250, failed: [] });
    expect(sent().map((i) => i.Findings?.length)).toEqual([100, 100, 50]);
    const ids = sent().flatMap((i) => i.Findings?.map((f) => f.Id) ?? []);
    expect(new Set(ids).size).toBe(250);
    expect(ids.sort()).toEqual(findings.map((f) => f.Id).sort());
    for (const f of sent().flatMap((i) => i.Findings ?? []))
      for (const field of REQUIRED)
        expect({ field, value: f[field] === undefined }).toEqual({ field, value: false });
  });

  it("returns each finding Security Hub refused in its answer, with Security Hub's code", async () => {
    const [first, second] = launchFindings(1);
    hub.on(BatchImportFindingsCommand).resolves({
      FailedCount: 1,
      SuccessCount: 1,
      FailedFindings: [
        { Id: second?.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'Finding does not adhere to ASFF' },
      ],
    });
    const outcome = await new SecurityHubFindingSink(new SecurityHubClient({ region: 'us-east-1' })).import([
      first as Finding,
      second as Finding,
    ]);
    expect(outcome).toEqual({
      imported: 1,
      failed: [{ id: second?.Id, code: 'InvalidInput', message: 'Finding does not adhere to ASFF' }],
    });
  });

  it('counts a whole request that failed as lost, and still sends the next one', async () => {
    hub
      .on(BatchImportFindingsCommand)
      .rejectsOnce(
        Object.assign(new Error('Account 111122223333 is not subscribed to AWS Security Hub'), {
          name: 'InvalidAccessException',
        }),
      )
      .resolves({ FailedCount: 0, SuccessCount: 20, FailedFindings: [] });
    const outcome = await new SecurityHubFindingSink(
      new SecurityHubClient({ region: 'us-east-1', maxAttempts: 1 }),
    ).import(launchFindings(60));
    expect(sent().map((i) => i.Findings?.length)).toEqual([100, 20]);
    expect(outcome.imported).toBe(20);
    expect(outcome.failed).toHaveLength(100);
    expect(new Set(outcome.failed.map((f) => f.code))).toEqual(new Set(['InvalidAccessException']));
  });

  it('counts findings that FailedCount names without details', async () => {
    hub.on(BatchImportFindingsCommand).resolves({ FailedCount: 2, SuccessCount: 0 });
    const outcome = await new SecurityHubFindingSink(new SecurityHubClient({ region: 'us-east-1' })).import(
      launchFindings(1),
    );
    expect(outcome.imported).toBe(0);
    expect(outcome.failed).toHaveLength(2);
  });

  it('sends nothing for no findings', async () => {
    const outcome = await new SecurityHubFindingSink(new SecurityHubClient({ region: 'us-east-1' })).import(
      [],
    );
    expect(outcome).toEqual({ imported: 0, failed: [] });
    expect(sent()).toHaveLength(0);
  });
});
