/**
 * Security Hub findings in the template: with `securityHub`, both recording functions may call
 * securityhub:BatchImportFindings on the account's default product ARN and nothing else of
 * Security Hub, they are told that ARN, their bundles carry the Security Hub client, and an
 * alarm watches refused findings. Without it, none of that exists. The product ARN's format is
 * Security Hub's: arn:<partition>:securityhub:<region>:<account>:product/<account>/default.
 *
 * The bundles are also checked for the EventBridge client, which `violationEvents` (on by
 * default) needs: a grant without the client in the bundle would put no event at all.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { synthesize } from '../helpers/app';

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Effect: string };
type FunctionResource = {
  Properties: { Code: { S3Key: string }; Environment?: { Variables?: Record<string, unknown> } };
};

const PRODUCT_ARN = 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default';
const ROLES = ['AttributorRole', 'TrailPathReaderRole'];
/** A string of the finding builder's (a documented ASFF type namespace) that minifying keeps. */
const ASFF_TYPE_NAMESPACE = 'Software and Configuration Checks/AWS Security Best Practices';

function statementsOf(template: Template, rolePrefix: string): Statement[] {
  return Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([id]) => id.startsWith(rolePrefix))
    .flatMap(
      ([, r]) =>
        (r as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
          .Statement,
    );
}

const hubStatements = (statements: Statement[]) =>
  statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('securityhub:')));

/** The recording functions (the attribution and trail-file functions) by logical id prefix. */
function recordingFunctions(template: Template): [string, FunctionResource][] {
  return Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) =>
    ['AttributorFunction', 'TrailPathReaderFunction'].some((p) => id.startsWith(p)),
  ) as [string, FunctionResource][];
}

/** The bundled code of a function, from the cloud assembly's asset folder. */
function bundleOf(app: App, fn: FunctionResource): string {
  const hash = fn.Properties.Code.S3Key.replace(/\.zip$/, '');
  return readFileSync(join(app.outdir, `asset.${hash}`, 'index.mjs'), 'utf8');
}

describe('Security Hub findings in the template', () => {
  const { app, template } = synthesize(
    { trail: { bucket: 'org-trail-logs' }, securityHub: true },
    { bundle: true },
  );

  it('lets both recording functions import findings on the default product ARN only', () => {
    for (const role of ROLES)
      expect({ role, statements: hubStatements(statementsOf(template, role)) }).toEqual({
        role,
        statements: [
          {
            Sid: 'ImportFindings',
            Action: 'securityhub:BatchImportFindings',
            Effect: 'Allow',
            Resource: PRODUCT_ARN,
          },
        ],
      });
    // No other role of the stack gets any Security Hub action.
    const others = Object.keys(template.findResources('AWS::IAM::Policy')).filter(
      (id) => !ROLES.some((r) => id.startsWith(r)),
    );
    for (const id of others)
      expect({ id, hub: JSON.stringify(template.toJSON().Resources[id]).includes('securityhub:') }).toEqual({
        id,
        hub: false,
      });
  });

  it('tells both functions the product ARN and bundles the Security Hub client', () => {
    const functions = recordingFunctions(template);
    expect(functions).toHaveLength(2);
    for (const [id, fn] of functions) {
      expect({ id, arn: fn.Properties.Environment?.Variables?.SECURITY_HUB_PRODUCT_ARN }).toEqual({
        id,
        arn: PRODUCT_ARN,
      });
      expect({
        id,
        client: bundleOf(app, fn).includes('BatchImportFindings'),
        builder: bundleOf(app, fn).includes(ASFF_TYPE_NAMESPACE),
      }).toEqual({ id, client: true, builder: true });
    }
  });

  it('alarms on one lost finding', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) =>
      JSON.stringify(a).includes('"MetricName":"FindingImportFailures"'),
    );
    expect(alarms).toHaveLength(1);
    expect((alarms[0] as { Properties: unknown }).Properties).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });
});

describe('the default deploy', () => {
  const { app, template } = synthesize({ trail: { bucket: 'org-trail-logs' } }, { bundle: true });

  it('has no Security Hub permission, variable, client, finding code or alarm', () => {
    const all = JSON.stringify(template.toJSON());
    expect(all).not.toContain('securityhub');
    expect(all).not.toContain('SECURITY_HUB_PRODUCT_ARN');
    expect(all).not.toContain('FindingImportFailures');
    for (const [id, fn] of recordingFunctions(template)) {
      const bundle = bundleOf(app, fn);
      // The client, and the finding builder (its ASFF type namespaces are strings esbuild keeps).
      expect({ id, client: bundle.includes('BatchImportFindings') }).toEqual({ id, client: false });
      expect({ id, builder: bundle.includes(ASFF_TYPE_NAMESPACE) }).toEqual({ id, builder: false });
    }
  });

  it('bundles the EventBridge client that violation events need, and leaves it out when they are off', () => {
    for (const [id, fn] of recordingFunctions(template))
      expect({ id, client: bundleOf(app, fn).includes('PutEventsRequest') }).toEqual({ id, client: true });
    const off = synthesize({ trail: { bucket: 'org-trail-logs' }, violationEvents: false }, { bundle: true });
    for (const [id, fn] of recordingFunctions(off.template))
      expect({ id, client: bundleOf(off.app, fn).includes('PutEventsRequest') }).toEqual({
        id,
        client: false,
      });
  });
});
