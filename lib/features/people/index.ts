/**
 * People (config `people`): each contact subscribed to the alert topic by email, with a filter
 * that matches the alerts about them (by name or ARN prefix) from their minimum severity, and
 * their own digest when digests go to people.
 */

import { CfnSubscription } from 'aws-cdk-lib/aws-sns';
import { type PeopleSettings, personFilterPolicy } from '../../../lambda/domain/person-filter';
import type { Ec2TrailFeature } from '../feature';

/** People's CDK part: one subscription per contact. */
export const people: Ec2TrailFeature = {
  name: 'people',
  attach: ({ config, alerts }) => {
    if (!config.people) return null;
    const settings: PeopleSettings = { ...config.people, digests: config.digests?.people ?? false };
    // The L2 subscription cannot write `$or`: the filter policy goes on the CloudFormation resource.
    config.people.contacts.forEach((contact, n) => {
      new CfnSubscription(alerts, `Person${n}`, {
        topicArn: alerts.topic.topicArn,
        protocol: 'email',
        endpoint: contact.email,
        filterPolicyScope: 'MessageAttributes',
        filterPolicy: personFilterPolicy(contact, settings),
      });
    });
    return {};
  },
};
