import { RemovalPolicy } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { type CfnSubscription, SubscriptionFilter, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, SmsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { teamFilterPolicy } from '../../lambda/domain/person-filter';
import { SEVERITIES, type Severity } from '../../lambda/domain/policy/schema';

/** Who is subscribed to alerts, and to which of them. */
export interface AlertTopicProps {
  /** Email addresses to subscribe; each must confirm from the message AWS sends. @default none */
  readonly emails?: readonly string[];
  /** E.164 phone numbers to subscribe to SMS. @default none */
  readonly phones?: readonly string[];
  /** The lowest severity emailed. @default 'warning' */
  readonly emailMinSeverity?: Severity;
  /** The lowest severity texted. @default 'critical' */
  readonly smsMinSeverity?: Severity;
  /** The team's emails also receive the team digest (`kind=digest`, `scope=team`). @default false */
  readonly teamDigests?: boolean;
}

/** The severities at or above `minimum`, for a subscription filter policy on the `severity` attribute. */
export function severitiesFrom(minimum: Severity): string[] {
  return SEVERITIES.slice(SEVERITIES.indexOf(minimum));
}

/** The alert topic: encrypted with a rotated customer-managed key, TLS only, with subscriptions. */
export class AlertTopic extends Construct {
  public readonly topic: Topic;
  public readonly key: Key;

  constructor(scope: Construct, id: string, props: AlertTopicProps = {}) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'ec2trail alert topic encryption',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.topic = new Topic(this, 'Topic', {
      displayName: 'ec2trail alerts',
      masterKey: this.key,
      enforceSSL: true,
    });
    // Everything published here carries a severity: policy alerts and relayed alarms alike.
    const bySeverity = (minimum: Severity) => ({
      severity: SubscriptionFilter.stringFilter({ allowlist: severitiesFrom(minimum) }),
    });
    for (const email of props.emails ?? []) {
      const minimum = props.emailMinSeverity ?? 'warning';
      const subscription = this.topic.addSubscription(
        new EmailSubscription(email, props.teamDigests ? {} : { filterPolicy: bySeverity(minimum) }),
      );
      // The same resource either way, so nobody confirms again; with digests its filter is an
      // `$or`, which the L2 subscription cannot write.
      if (props.teamDigests)
        (subscription.node.defaultChild as CfnSubscription).addPropertyOverride(
          'FilterPolicy',
          teamFilterPolicy(minimum, true),
        );
    }
    // A text message pages someone: a late alert (from the trail's log files, or delivered an hour
    // or more after the call) reaches them by email, never by text.
    for (const phone of props.phones ?? []) {
      this.topic.addSubscription(
        new SmsSubscription(phone, {
          filterPolicy: {
            ...bySeverity(props.smsMinSeverity ?? 'critical'),
            late: SubscriptionFilter.notExistsFilter(),
          },
        }),
      );
    }
  }
}
