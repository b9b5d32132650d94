import { Stack } from 'aws-cdk-lib';
import { CfnEventBusPolicy } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

/** The organization whose member accounts may put events on the home bus. */
export interface OrganizationBusPolicyProps {
  /** The organization whose accounts may put events (o-…). */
  readonly organizationId: string;
}

/**
 * Lets accounts of one organization put events on this account's default bus, and nobody else:
 * the only principal condition is `aws:PrincipalOrgID`.
 */
export class OrganizationBusPolicy extends Construct {
  public readonly policy: CfnEventBusPolicy;

  constructor(scope: Construct, id: string, props: OrganizationBusPolicyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.policy = new CfnEventBusPolicy(this, 'Policy', {
      statementId: 'ec2trail-organization-forwarders',
      eventBusName: 'default',
      statement: {
        Sid: 'ec2trail-organization-forwarders',
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' }),
        Condition: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
      },
    });
  }
}
