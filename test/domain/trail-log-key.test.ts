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
    // The account is exactly 12 digits; an organization id is o- and 10 to 32 lower-case characters.
    'AWSLogs/1111222233334/CloudTrail/us-east-2/2026/03/02/x.json.gz',
    'AWSLogs/o-a1b2c3d4e/111122223333/CloudTrail/us-east-2/2026/03/02/x.json.gz',
    `AWSLogs/o-${'a'.repeat(33)}/111122223333/CloudTrail/us-east-2/2026/03/02/x.json.gz`,
    'AWSLogs/o-A1B2C3D4E5/111122223333/CloudTrail/us-east-2/2026/03/02/x.json.gz',
    // Regions are lower-case words joined by dashes, ending in a digit.
    'AWSLogs/111122223333/CloudTrail/US-EAST-2/2026/03/02/x.json.gz',
    'AWSLogs/111122223333/CloudTrail/useast2/2026/03/02/x.json.gz',
    'AWSLogs/111122223333/CloudTrail/us-east/2026/03/02/x.json.gz',
    'AWSLogs/111122223333/CloudTrail/u-east-2/2026/03/02/x.json.gz',
    'AWSLogs/111122223333/CloudTrail/us-east-22/2026/03/02/x.json.gz',
    // The day is YYYY/MM/DD, and the file sits right in it.
    'AWSLogs/111122223333/CloudTrail/us-east-2/2026/3/02/x.json.gz',
    'AWSLogs/111122223333/CloudTrail/us-east-2/20266/03/02/x.json.gz',
    'AWSLogs/111122223333/CloudTrail/us-east-2/2026/03/2/x.json.gz',
    'AWSLogs/111122223333/CloudTrail/us-east-2/2026/03/02/extra/x.json.gz',
    'AWSLogs/111122223333/CloudTrail/us-east-2/2026/03/02/.json.gz',
    'AWSLogs/111122223333/CloudTrail/us-east-2/2026/03/02/x.json',
    'AWSLogs/111122223333/CloudTrail/us-east-2/2026/03/02/x.json.gz.tmp',
    'AWSLogs/111122223333/CloudTrail/us-east-2/2026/03/02/xxjsonxgz',
    // AWSLogs is a folder of its own, not the end of another name.
    'backupAWSLogs/111122223333/CloudTrail/us-east-2/2026/03/02/x.json.gz',
    'AWSLogs/111122223333/CloudTrail/us-east-2/2026/03/02/x.json.gz/',
  ])('leaves %s alone', (key) => {
    expect(parseTrailLogKey(key)).toBeNull();
  });

  it('keeps the organization id of 10 and of 32 characters', () => {
    for (const id of [`o-${'a'.repeat(10)}`, `o-${'9'.repeat(32)}`]) {
      expect(
        parseTrailLogKey(`AWSLogs/${id}/111122223333/CloudTrail/eu-west-1/2026/01/01/x.json.gz`)
          ?.organization,
      ).toBe(id);
    }
  });

  it('keeps a prefix of several folders and a file name with dots and underscores', () => {
    expect(
      parseTrailLogKey(
        'a/b.c/d/AWSLogs/111122223333/CloudTrail/ap-southeast-2/2024/02/29/111122223333_CloudTrail_ap-southeast-2_20240229T1200Z_a.b_c.json.gz',
      ),
    ).toEqual({
      prefix: 'a/b.c/d',
      organization: null,
      account: '111122223333',
      region: 'ap-southeast-2',
      day: '2024-02-29',
    });
  });

  it('names the folder under a prefix', () => {
    expect(logsFolder('')).toBe('AWSLogs/');
    expect(logsFolder('org')).toBe('org/AWSLogs/');
    expect(logsFolder('/org/')).toBe('org/AWSLogs/');
    expect(logsFolder('//org//')).toBe('org/AWSLogs/');
    expect(logsFolder('a/b')).toBe('a/b/AWSLogs/');
    expect(logsFolder('/')).toBe('AWSLogs/');
  });
});
