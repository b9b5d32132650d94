/**
 * Which announced log files count as CloudTrail's own recent deliveries. The requester of a delivery
 * is CloudTrail's service principal (S3's EventBridge events name the requester as an account id or
 * a service principal); the file's name carries the time CloudTrail wrote it (AWS's documented
 * `YYYYMMDDTHHmmZ` part). Expected answers come from those two facts and the cases built here.
 */

import type { LogFileRef } from '../../lambda/trail/messages';
import { nameTimeOf, untrustedBecause } from '../../lambda/trail/provenance';

const KEY =
  'org/AWSLogs/o-a1b2c3d4e5/444455556666/CloudTrail/us-east-1/2026/03/02/444455556666_CloudTrail_us-east-1_20260302T2355Z_Ex4mple.json.gz';
const ref = (over: Partial<LogFileRef>): LogFileRef => ({
  bucket: 'org-trail-logs',
  key: KEY,
  createdAtMs: Date.parse('2026-03-02T23:55:12Z'),
  writer: { field: 'requester', value: 'cloudtrail.amazonaws.com' },
  ...over,
});

describe('trail object provenance', () => {
  it("reads the time in a log file's name", () => {
    expect(nameTimeOf(KEY)).toBe(Date.parse('2026-03-02T23:55:00Z'));
    expect(nameTimeOf('AWSLogs/1/CloudTrail/us-east-1/2026/03/02/x.json.gz')).toBeNull();
  });

  it("trusts CloudTrail's recent delivery, an organization trail's included", () => {
    expect(untrustedBecause(ref({}))).toBeNull();
    // Six hours between the name and S3's announcement is the most a delivery is allowed.
    expect(untrustedBecause(ref({ createdAtMs: Date.parse('2026-03-03T05:55:00Z') }))).toBeNull();
  });

  it('refuses any other requester, a missing one, and an old file copied in', () => {
    expect(untrustedBecause(ref({ writer: { field: 'requester', value: '111122223333' } }))).toBe(
      'written by 111122223333, not by cloudtrail.amazonaws.com',
    );
    expect(untrustedBecause(ref({ writer: { field: 'requester', value: null } }))).toBe(
      'written by an unnamed requester, not by cloudtrail.amazonaws.com',
    );
    expect(untrustedBecause(ref({ createdAtMs: Date.parse('2026-03-03T05:55:01Z') }))).toBe(
      'its name dates it 2026-03-02T23:55:00.000Z, but it was written 2026-03-03T05:55:01.000Z: a copy, not a delivery',
    );
    expect(
      untrustedBecause(ref({ key: 'AWSLogs/444455556666/CloudTrail/us-east-1/2026/03/02/renamed.json.gz' })),
    ).toBe("the file's name carries no delivery time");
  });

  it("takes a plain notification's principal only when it is CloudTrail's delivery session", () => {
    const session = 'AWS:AROAJUND6457V5TEWWO3C:regionalDeliverySession';
    expect(untrustedBecause(ref({ writer: { field: 'principalId', value: session } }))).toBeNull();
    expect(untrustedBecause(ref({ writer: { field: 'principalId', value: 'AWS:AIDAEXAMPLEUSER' } }))).toBe(
      "written by AWS:AIDAEXAMPLEUSER, not by CloudTrail's delivery session",
    );
  });

  it('leaves a backfill alone: it lists the bucket itself and never alerts or acts', () => {
    expect(untrustedBecause(ref({ writer: null, createdAtMs: null }))).toBeNull();
  });
});
