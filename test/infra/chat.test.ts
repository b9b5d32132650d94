/**
 * Chat channels in the template: one Amazon Q Developer in chat applications configuration per
 * configured Slack or Teams channel, subscribed to the alert topic, with a channel role that has
 * no permission and a read-only guardrail; the functions are told to add the chat body.
 */

import { Match } from 'aws-cdk-lib/assertions';
import { ConfigError } from '../../lib/config';
import { synthesize, testConfig } from '../helpers/app';

const CHAT = {
  slack: [{ workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' }],
  teams: [
    {
      teamId: '11111111-2222-3333-4444-555555555555',
      channelId: '19%3Aabc%40thread.tacv2',
      tenantId: '66666666-7777-8888-9999-000000000000',
    },
  ],
};

describe('chat channels in the template', () => {
  const { template } = synthesize({
    chat: CHAT,
    policyFile: 'test/fixtures/policies/remediate-enforce.yaml',
  });

  it('subscribes each channel to the alert topic, notifications only', () => {
    const common = {
      SnsTopicArns: [{ Ref: Match.stringLikeRegexp('^AlertsTopic') }],
      GuardrailPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      IamRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ChatChannelRole'), 'Arn'] },
      UserRoleRequired: false,
    };
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      ...common,
      SlackWorkspaceId: 'T0123ABCD',
      SlackChannelId: 'C0123ABCD',
    });
    template.hasResourceProperties('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', {
      ...common,
      TeamId: CHAT.teams[0]?.teamId,
      TeamsTenantId: CHAT.teams[0]?.tenantId,
    });
    // The channel role can do nothing: no policy is attached to it.
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).not.toMatch(/"Roles":\[\{"Ref":"ChatChannelRole/);
    const roles = Object.entries(template.findResources('AWS::IAM::Role')).filter(([id]) =>
      id.startsWith('ChatChannelRole'),
    ) as [string, { Properties: Record<string, unknown> }][];
    expect(roles).toHaveLength(1);
    expect(roles[0]?.[1].Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('tells every function that alerts to add the chat body', () => {
    const functions = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) =>
      /^(Attributor|Remediation)/.test(id),
    );
    expect(functions.length).toBeGreaterThanOrEqual(2);
    for (const [id, fn] of functions)
      expect({
        id,
        chat: (fn as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties
          .Environment.Variables.CHAT_NOTIFICATIONS,
      }).toEqual({ id, chat: 'custom' });
  });

  it('adds nothing without chat, and refuses a config that names no channel or a wrong id', () => {
    const plain = synthesize().template;
    expect(JSON.stringify(plain.toJSON())).not.toContain('Chatbot');
    expect(JSON.stringify(plain.toJSON())).not.toContain('CHAT_NOTIFICATIONS');
    expect(() => testConfig({ chat: {} })).toThrow(ConfigError);
    expect(() => testConfig({ chat: { slack: [{ workspaceId: 'nope', channelId: 'C1' }] } })).toThrow(
      /Slack workspace id/,
    );
  });
});
