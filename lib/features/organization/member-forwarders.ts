import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, BootstraplessSynthesizer, CfnElement } from 'aws-cdk-lib';
import { CfnStackSet } from 'aws-cdk-lib/aws-cloudformation';
import { Construct } from 'constructs';
import type { Action } from '../../../lambda/domain/actions';
import { ForwarderStack } from '../../forwarder-stack';
import type { MemberPart } from '../feature';

/** Where the member accounts forward to, which of them, and what else they get. */
export interface MemberForwardersProps {
  /** The home region's default event bus. */
  readonly homeBusArn: string;
  /** The same action groups as the home rules. */
  readonly actionGroups: readonly (readonly Action[])[];
  /** OUs (ou-…) or the root (r-…) to deploy to; accounts that join them later get it too. */
  readonly organizationalUnits: readonly string[];
  /** Regions to deploy to in every account. */
  readonly regions: readonly string[];
  /** The account ec2trail runs in: the StackSet creates nothing there. */
  readonly homeAccount: string;
  /** `DELEGATED_ADMIN` when the home account is a delegated StackSets administrator, `SELF` in the management account. */
  readonly callAs: 'DELEGATED_ADMIN' | 'SELF';
  /** The home region: the member parts' resources are created there, once per account. */
  readonly homeRegion: string;
  /** What features add to each member account. @default none */
  readonly parts?: readonly MemberPart[];
}

/**
 * The forwarder's template, synthesized once by CDK, as a StackSet can take it (no bootstrap, no
 * assets). It creates nothing in the home account, where the app's own regional forwarders run
 * and where forwarding the home region to itself would loop.
 */
export function memberForwarderTemplate(
  props: Pick<MemberForwardersProps, 'homeBusArn' | 'actionGroups' | 'homeAccount' | 'homeRegion' | 'parts'>,
): string {
  // A separate app with its own output folder: never the running app's cdk.out.
  const app = new App({ analyticsReporting: false, outdir: mkdtempSync(join(tmpdir(), 'ec2trail-member-')) });
  const stack = new ForwarderStack(app, 'Ec2TrailMemberForwarder', {
    homeBusArn: props.homeBusArn,
    actionGroups: props.actionGroups,
    memberParts: props.parts ?? [],
    synthesizer: new BootstraplessSynthesizer(),
    description:
      "ec2trail: forwards this account and region's EC2 lifecycle and trail calls to the ec2trail home bus",
  });
  const assembly = app.synth();
  const template = JSON.parse(
    readFileSync(join(assembly.directory, assembly.getStackArtifact(stack.artifactId).templateFile), 'utf8'),
  );
  // A member part's resources, by logical id, with the condition that creates them once per account.
  const once = new Map<string, string>();
  for (const [id, part] of stack.memberParts)
    for (const element of part.node.findAll().filter((c): c is CfnElement => c instanceof CfnElement))
      once.set(stack.getLogicalId(element), `${id}Here`);
  for (const [logicalId, resource] of Object.entries<Record<string, unknown>>(template.Resources))
    resource.Condition = once.get(logicalId) ?? 'NotHomeAccount';
  template.Conditions = {
    NotHomeAccount: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, props.homeAccount] }] },
    // Once per account: IAM names are global, and the StackSet deploys every region.
    ...Object.fromEntries(
      [...stack.memberParts.keys()].map((id) => [
        `${id}Here`,
        {
          'Fn::And': [
            { Condition: 'NotHomeAccount' },
            { 'Fn::Equals': [{ Ref: 'AWS::Region' }, props.homeRegion] },
          ],
        },
      ]),
    ),
  };
  // CloudFormation refuses a stack with no resource at all: this one costs nothing and does nothing.
  template.Resources.HomeAccountPlaceholder = { Type: 'AWS::CloudFormation::WaitConditionHandle' };
  return JSON.stringify(template);
}

/**
 * Every member account of the listed OUs gets the forwarder in every region, through a
 * service-managed StackSet with automatic deployment.
 */
export class MemberForwarders extends Construct {
  public readonly stackSet: CfnStackSet;

  constructor(scope: Construct, id: string, props: MemberForwardersProps) {
    super(scope, id);
    const parameters = (props.parts ?? []).flatMap((part) =>
      Object.entries(part.parameters).map(([parameterKey, parameterValue]) => ({
        parameterKey,
        parameterValue,
      })),
    );
    this.stackSet = new CfnStackSet(this, 'StackSet', {
      stackSetName: 'ec2trail-member-forwarders',
      description:
        'ec2trail: forward EC2 lifecycle and trail calls from member accounts to the home event bus',
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      capabilities: ['CAPABILITY_IAM'],
      callAs: props.callAs,
      managedExecution: { Active: true },
      operationPreferences: {
        failureTolerancePercentage: 10,
        maxConcurrentPercentage: 25,
        regionConcurrencyType: 'PARALLEL',
      },
      stackInstancesGroup: [
        {
          deploymentTargets: { organizationalUnitIds: [...props.organizationalUnits] },
          regions: [...props.regions],
        },
      ],
      templateBody: memberForwarderTemplate(props),
      ...(parameters.length > 0 ? { parameters } : {}),
    });
  }
}
