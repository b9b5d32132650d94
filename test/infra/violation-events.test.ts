/**
 * Violations on the event bus, in the template: both recording functions may put events on this
 * region's default bus only, only with source "ec2trail" (IAM condition key events:source), an
 * alarm watches refusals, and `violationEvents: false` removes all of it.
 */

import type { Template } from 'aws-cdk-lib/assertions';
import { synthesize } from '../helpers/app';

type Statement = {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
  Effect: string;
};

function statementsOf(template: Template, rolePrefix: string): Statement[] {
  return Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([id]) => id.startsWith(rolePrefix))
    .flatMap(
      ([, r]) =>
        (r as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
          .Statement,
    );
}

const putEvents = (statements: Statement[]) =>
  statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('events:')));

describe('violation events in the template', () => {
  const { template } = synthesize({ trail: { bucket: 'org-trail-logs' } });

  it('lets the attribution and trail-file functions put ec2trail events on the default bus only', () => {
    const expected = [
      {
        Sid: 'PutViolationEvents',
        Action: 'events:PutEvents',
        Effect: 'Allow',
        // A literal partition: cdk.json's flag resolves it for a known region.
        Resource: 'arn:aws:events:eu-west-1:111122223333:event-bus/default',
        Condition: { StringEquals: { 'events:source': 'ec2trail' } },
      },
    ];
    for (const role of ['AttributorRole', 'TrailPathReaderRole'])
      expect({ role, statements: putEvents(statementsOf(template, role)) }).toEqual({
        role,
        statements: expected,
      });
  });

  it('alarms on one refused event', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) =>
      JSON.stringify(a).includes('"MetricName":"ViolationEventFailures"'),
    );
    expect(alarms).toHaveLength(1);
    expect((alarms[0] as { Properties: unknown }).Properties).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('has none of it with violationEvents off', () => {
    const off = synthesize({ trail: { bucket: 'org-trail-logs' }, violationEvents: false }).template;
    const all = JSON.stringify(off.toJSON());
    expect(all).not.toContain('events:PutEvents"');
    expect(all).not.toContain('ViolationEventFailures');
  });
});
