import { Names } from 'aws-cdk-lib';
import { CfnMicrosoftTeamsChannelConfiguration, CfnSlackChannelConfiguration } from 'aws-cdk-lib/aws-chatbot';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** The topic to relay, and the Slack and Teams channels that receive it. */
export interface ChatChannelsProps {
  readonly topic: ITopic;
  readonly slack: readonly { readonly workspaceId: string; readonly channelId: string }[];
  readonly teams: readonly {
    readonly teamId: string;
    readonly channelId: string;
    readonly tenantId: string;
  }[];
}

/**
 * Slack and Teams channels of Amazon Q Developer in chat applications, subscribed to the alert
 * topic. They only receive notifications: the channel role has no permission at all and the
 * guardrail caps it at read-only, so nobody can run commands on the account from the channel.
 */
export class ChatChannels extends Construct {
  public readonly role: Role;

  constructor(scope: Construct, id: string, props: ChatChannelsProps) {
    super(scope, id);
    this.role = new Role(this, 'ChannelRole', {
      assumedBy: new ServicePrincipal('chatbot.amazonaws.com'),
      description: 'ec2trail chat channels: notifications only, no permissions',
    });
    const guardrail = ['arn:aws:iam::aws:policy/ReadOnlyAccess'];
    // Configuration names are unique per account: derived from the stack and construct path.
    const name = (kind: string, n: number) =>
      Names.uniqueResourceName(this, { maxLength: 100, separator: '-' }).concat(`-${kind}${n}`).slice(-128);
    props.slack.forEach((channel, n) => {
      new CfnSlackChannelConfiguration(this, `Slack${n}`, {
        configurationName: name('slack', n),
        iamRoleArn: this.role.roleArn,
        slackWorkspaceId: channel.workspaceId,
        slackChannelId: channel.channelId,
        snsTopicArns: [props.topic.topicArn],
        guardrailPolicies: guardrail,
        loggingLevel: 'ERROR',
        userRoleRequired: false,
      });
    });
    props.teams.forEach((channel, n) => {
      new CfnMicrosoftTeamsChannelConfiguration(this, `Teams${n}`, {
        configurationName: name('teams', n),
        iamRoleArn: this.role.roleArn,
        teamId: channel.teamId,
        teamsChannelId: channel.channelId,
        teamsTenantId: channel.tenantId,
        snsTopicArns: [props.topic.topicArn],
        guardrailPolicies: guardrail,
        loggingLevel: 'ERROR',
        userRoleRequired: false,
      });
    });
  }
}
