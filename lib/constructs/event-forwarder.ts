import { EventBus as Bus, type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Action } from '../../lambda/domain/actions';
import { DeadLetterQueue } from './dead-letter-queue';
import { cloudTrailCallPattern } from './lifecycle-event-rule';

/** Where a forwarder sends its region's events, and which. */
export interface EventForwarderProps {
  /** The home region's default event bus, where ec2trail runs. */
  readonly homeBusArn: string;
  /** One rule per list, each with the same pattern as the home rule for those actions. */
  readonly actionGroups: readonly (readonly Action[])[];
}

/**
 * Forwards this region's (and account's) CloudTrail calls to the home bus: rules with the home
 * rule's patterns, targeting the home bus through a role that may only put events there, with an
 * encrypted dead-letter queue for what EventBridge cannot deliver.
 */
export class EventForwarder extends Construct {
  public readonly rules: readonly Rule[];
  public readonly role: Role;
  public readonly deadLetterQueue: Queue;
  public readonly homeBus: IEventBus;

  constructor(scope: Construct, id: string, props: EventForwarderProps) {
    super(scope, id);
    this.homeBus = Bus.fromEventBusArn(this, 'HomeBus', props.homeBusArn);
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('events.amazonaws.com'),
      description: 'ec2trail: forward CloudTrail calls to the home event bus',
    });
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetters').queue;
    this.rules = props.actionGroups.map(
      (actions, i) =>
        new Rule(this, `Rule${i}`, {
          description: 'ec2trail: forward CloudTrail calls to the home region',
          eventPattern: cloudTrailCallPattern(actions),
          targets: [new EventBus(this.homeBus, { role: this.role, deadLetterQueue: this.deadLetterQueue })],
        }),
    );
  }
}
