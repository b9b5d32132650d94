import {
  type AwsEc2InstanceDetails,
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  type Resource,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { codeOf } from '../../adapters/aws-retry';
import type { Ec2InstanceDetails, Finding, FindingResource } from '../../domain/security-hub/finding';
import type { FindingImport, FindingSink } from './port';

/**
 * Every field the domain writes must be a field of the SDK's type: a misspelt optional field
 * would otherwise pass the assignment below and be dropped by Security Hub without a word.
 */
type Unknown<Ours, Theirs> = Exclude<keyof Ours, keyof Theirs>;
const fieldsAreAsff: [
  Unknown<Finding, AwsSecurityFinding>,
  Unknown<FindingResource, Resource>,
  Unknown<Ec2InstanceDetails, AwsEc2InstanceDetails>,
] extends [never, never, never]
  ? true
  : false = true;
void fieldsAreAsff;

/** BatchImportFindings takes at most 100 findings per request. */
export const IMPORT_BATCH = 100;

/**
 * Imports findings into Security Hub with BatchImportFindings, 100 at a time. The call answers
 * 200 even when it refused findings: each refused finding is read from `FailedFindings` and
 * returned with its code, as is every finding of a request that failed whole (Security Hub
 * not enabled, access denied). Never throws: a finding is extra, the row and the alert are not.
 */
export class SecurityHubFindingSink implements FindingSink {
  constructor(private readonly client: SecurityHubClient) {}

  async import(findings: readonly Finding[]): Promise<FindingImport> {
    let imported = 0;
    const failed: { id: string; code: string; message: string }[] = [];
    for (let start = 0; start < findings.length; start += IMPORT_BATCH) {
      // The domain's shape is checked here against the SDK's, field by field, at compile time.
      const batch: AwsSecurityFinding[] = findings.slice(start, start + IMPORT_BATCH).map(
        (f): AwsSecurityFinding => ({
          ...f,
          Types: [...f.Types],
          FindingProviderFields: { ...f.FindingProviderFields, Types: [...f.FindingProviderFields.Types] },
          Resources: f.Resources.map((r) => ({ ...r })),
        }),
      );
      try {
        const answer = await this.client.send(new BatchImportFindingsCommand({ Findings: batch }));
        const refused = answer.FailedFindings ?? [];
        for (const f of refused)
          failed.push({
            id: f.Id ?? 'unknown',
            code: f.ErrorCode ?? 'Refused',
            message: f.ErrorMessage ?? 'no reason given',
          });
        // FailedCount without the list still counts every finding it names as lost.
        const lost = Math.max(refused.length, answer.FailedCount ?? 0);
        for (let i = refused.length; i < lost; i += 1)
          failed.push({ id: 'unknown', code: 'Refused', message: 'counted in FailedCount without details' });
        imported += answer.SuccessCount ?? batch.length - lost;
      } catch (error) {
        const code = codeOf(error);
        const message = error instanceof Error ? error.message : String(error);
        for (const f of batch) failed.push({ id: f.Id ?? 'unknown', code, message });
      }
    }
    return { imported, failed };
  }
}
