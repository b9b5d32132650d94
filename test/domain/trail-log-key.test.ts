/** CloudTrail's log key layout, as AWS documents it ("Finding your CloudTrail log files"). */

import { logsFolder, parseTrailLogKey } from '../../lambda/domain/trail-log-key';

describe('parseTrailLogKey', () => {
  it('reads an account trail key', () => {
    expect(
      parseTrailLogKey(
        'AWSLogs/111122223333/CloudTrail/us-east-2/2026/03/02/111122223333_CloudTrail_us-east-2_20260302T2355Z_Ex4mple.json.gz',
      ),
    ).toEqual({
      prefix: '',
      organization: null,
      account: '111122223333',
      region: 'us-east-2',
      day: '2026-03-02',
    });
  });

  it('reads an organization trail key under a prefix', () => {
    expect(
      parseTrailLogKey(
        'org/trails/AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/us-gov-west-1/2025/12/31/444455556666_CloudTrail_us-gov-west-1_20251231T0000Z_x.json.gz',
      ),
    ).toEqual({
      prefix: 'org/trails',
      organization: 'o-a1b2c3d4e5',
      account: '444455556666',
      region: 'us-gov-west-1',
      day: '2025-12-31',
    });
  });

  it.each([
    'AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2026/03/02/111122223333_CloudTrail-Digest_us-east-2_t_us-east-2_20260302T2355Z.json.gz',
    'AWSLogs/111122223333/CloudTrail-Insight/us-east-2/2026/03/02/x.json.gz',
    'AWSLogs/111122223333/CloudTrail/us-east-2/2026/03/02/',
    'AWSLogs/111122223333/CloudTrail/us-east-2/2026/03/02/notes.txt',
    'AWSLogs/1111/CloudTrail/us-east-2/2026/03/02/x.json.gz',
    'AWSLogs/111122223333/vpcflowlogs/us-east-2/2026/03/02/x.json.gz',
  ])('leaves %s alone', (key) => {
    expect(parseTrailLogKey(key)).toBeNull();
  });

  it('names the folder under a prefix', () => {
    expect(logsFolder('')).toBe('AWSLogs/');
    expect(logsFolder('org')).toBe('org/AWSLogs/');
    expect(logsFolder('/org/')).toBe('org/AWSLogs/');
  });
});
