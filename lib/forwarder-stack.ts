import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Action } from '../lambda/domain/actions';
import { EventForwarder } from './constructs/event-forwarder';

export interface ForwarderStackProps extends StackProps {
  readonly homeBusArn: string;
  readonly actionGroups: readonly (readonly Action[])[];
}

/** A region or member account's share of ec2trail: one forwarder, nothing stateful. */
export class ForwarderStack extends Stack {
  public readonly forwarder: EventForwarder;

  constructor(scope: Construct, id: string, props: ForwarderStackProps) {
    super(scope, id, props);
    this.forwarder = new EventForwarder(this, 'Forwarder', {
      homeBusArn: props.homeBusArn,
      actionGroups: props.actionGroups,
    });
  }
}
