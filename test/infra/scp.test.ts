/**
 * The service control policy shipped for organizations: it reserves the tag keys remediation
 * reads, by the names the code uses, so a renamed key cannot leave the document behind. The
 * condition keys are IAM's documented global ones (aws:TagKeys, aws:PrincipalArn).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ACK_TAG,
  BUILT_IN_PROTECTED_TAG,
  DEADLINE_TAG,
  VIOLATION_TAG,
} from '../../lambda/domain/remediation/settings';
import { ROOT } from '../helpers/cli';

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: string;
  Condition: Record<string, Record<string, string[]>>;
}

const scp = JSON.parse(readFileSync(join(ROOT, 'policy', 'scp-reserve-ec2trail-tags.json'), 'utf8')) as {
  Version: string;
  Statement: Statement[];
};

describe('the service control policy that reserves ec2trail tags', () => {
  const bySid = (sid: string) => scp.Statement.find((s) => s.Sid === sid);

  it('denies launching with any ec2trail tag, except to the named principals', () => {
    const launch = bySid('OnlyNamedPrincipalsOptOutAtLaunch');
    expect(launch).toMatchObject({
      Effect: 'Deny',
      Action: 'ec2:RunInstances',
      Resource: 'arn:aws:ec2:*:*:instance/*',
    });
    expect(launch?.Condition['ForAnyValue:StringEquals']?.['aws:TagKeys']?.sort()).toEqual(
      [ACK_TAG, BUILT_IN_PROTECTED_TAG[0], VIOLATION_TAG, DEADLINE_TAG].sort(),
    );
    expect(launch?.Condition.ArnNotLike?.['aws:PrincipalArn']).toHaveLength(1);
  });

  it('denies protecting or unprotecting later, but leaves acknowledging after launch open', () => {
    const later = bySid('OnlyNamedPrincipalsProtectLater');
    expect(later).toMatchObject({ Effect: 'Deny', Action: ['ec2:CreateTags', 'ec2:DeleteTags'] });
    expect(later?.Condition['ForAnyValue:StringEquals']?.['aws:TagKeys']).toEqual([
      BUILT_IN_PROTECTED_TAG[0],
    ]);
    expect(JSON.stringify(later)).not.toContain(ACK_TAG);
  });

  it('is a valid policy document of two statements, and the docs point to it', () => {
    expect(scp.Version).toBe('2012-10-17');
    expect(scp.Statement).toHaveLength(2);
    expect(readFileSync(join(ROOT, 'docs', 'remediation.md'), 'utf8')).toContain(
      'policy/scp-reserve-ec2trail-tags.json',
    );
  });
});
