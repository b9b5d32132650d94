/**
 * The EventBridge event of a violation. Expected values come from the fixture (root launches
 * three instances in us-east-1 at 10:02:11) and EventBridge's documented limits (256 KB per
 * PutEvents entry) and ARN format for EC2 instances.
 */

import { compilePolicy, evaluate } from '../../lambda/domain';
import type { AttributionRecord } from '../../lambda/domain/record';
import {
  personOf,
  VIOLATION_DETAIL_TYPE,
  VIOLATION_SOURCE,
  violationEvent,
} from '../../lambda/domain/violation-event';
import { DEFAULT_POLICY_FILE, readPolicyFile } from '../../lib/policy-file';
import { recordsOf } from '../helpers/fixtures';

const policy = compilePolicy(readPolicyFile(DEFAULT_POLICY_FILE));

describe('violationEvent', () => {
  const records = recordsOf('events/runinstances-root-console.json');
  const violations = evaluate(records, policy, {});

  it('names the source, the detail type, the instances and the time of the call', () => {
    expect(violations.length).toBeGreaterThan(0);
    const event = violationEvent(records, violations);
    expect(event.source).toBe('ec2trail');
    expect(event.detailType).toBe('EC2 Launch Policy Violation');
    expect(event.resources).toEqual(
      [1, 2, 3].map((n) => `arn:aws:ec2:us-east-1:111122223333:instance/i-0b1b2c3d4e5f6000${n}`),
    );
    expect(event.time?.toISOString()).toBe('2026-03-02T10:02:11.000Z');
    const detail = JSON.parse(event.detail);
    expect(detail).toMatchObject({
      version: 1,
      eventName: 'RunInstances',
      action: 'launch',
      account: '111122223333',
      region: 'us-east-1',
      person: 'root',
      actorArn: 'arn:aws:iam::111122223333:root',
      instanceIds: ['i-0b1b2c3d4e5f60001', 'i-0b1b2c3d4e5f60002', 'i-0b1b2c3d4e5f60003'],
      recordsOmitted: 0,
    });
    expect(detail.rules).toEqual([...new Set(violations.map((v) => v.rule))]);
    expect(detail.records).toEqual(JSON.parse(JSON.stringify(records)));
    expect(detail.violations).toEqual(JSON.parse(JSON.stringify(violations)));
  });

  it('stays under the PutEvents entry limit for a launch of many instances, keeping every id', () => {
    const [one] = records;
    if (!one) throw new Error('no record');
    // 2,000 instances with a long warning each: far over 256 KB as full records.
    const many: AttributionRecord[] = Array.from({ length: 2000 }, (_, i) => ({
      ...one,
      instanceId: `i-${String(i).padStart(17, '0')}`,
      warnings: ['x'.repeat(500)],
    }));
    const event = violationEvent(many, violations);
    expect(event.detail.length).toBeLessThan(256 * 1024);
    const detail = JSON.parse(event.detail);
    expect(detail.instanceIds).toHaveLength(2000);
    expect(detail.records.length + detail.recordsOmitted).toBe(2000);
    expect(detail.recordsOmitted).toBeGreaterThan(0);
    expect(event.resources).toHaveLength(2000);
  });

  it('uses the partition of the region in the ARNs', () => {
    const cn = records.map((r) => ({ ...r, region: 'cn-north-1' }));
    expect(violationEvent(cn, violations).resources[0]).toMatch(/^arn:aws-cn:ec2:cn-north-1:/);
  });

  it('names the person behind a service launch, else the caller', () => {
    const [record] = recordsOf('events/runinstances-autoscaling-spot.json');
    if (!record) throw new Error('no record');
    expect(personOf(record)).toBe(record.actor.name);
    const linked = {
      ...record,
      initiator: { ...(record.initiator ?? {}), name: 'bob' },
    } as AttributionRecord;
    expect(personOf(linked)).toBe('bob');
    expect(VIOLATION_SOURCE).toBe('ec2trail');
    expect(VIOLATION_DETAIL_TYPE).toBe('EC2 Launch Policy Violation');
  });
});
