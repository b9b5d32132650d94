import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Action } from '../lambda/domain/actions';
import { EventForwarder } from './constructs/event-forwarder';
import type { MemberPart } from './features/feature';

/** Where a region's or member account's events go, and which. */
export interface ForwarderStackProps extends StackProps {
  /** The home region's default event bus. */
  readonly homeBusArn: string;
  /** The same action groups as the home rules. */
  readonly actionGroups: readonly (readonly Action[])[];
  /** What features add to a member account (organization deploys), such as owner tags' role. @default none */
  readonly memberParts?: readonly MemberPart[];
}

/**
 * A region or member account's share of ec2trail: one forwarder, nothing stateful.
 *
 * @example
 * import { ForwarderStack } from 'ec2trail';
 *
 * // us-east-1's EC2 calls, to the home region's bus (the home stack's Ec2Trail records them).
 * new ForwarderStack(app, 'Ec2TrailForwarderUsEast1', {
 *   env: { account: '111122223333', region: 'us-east-1' },
 *   homeBusArn: 'arn:aws:events:eu-west-1:111122223333:event-bus/default',
 *   actionGroups: [['launch', 'start', 'stop', 'terminate']],
 * });
 */
export class ForwarderStack extends Stack {
  public readonly forwarder: EventForwarder;
  /** The features' member parts, by their ids. */
  public readonly memberParts: ReadonlyMap<string, Construct>;

  constructor(scope: Construct, id: string, props: ForwarderStackProps) {
    super(scope, id, props);
    this.forwarder = new EventForwarder(this, 'Forwarder', {
      homeBusArn: props.homeBusArn,
      actionGroups: props.actionGroups,
    });
    this.memberParts = new Map((props.memberParts ?? []).map((part) => [part.id, part.add(this)]));
  }
}
