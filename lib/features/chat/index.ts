/**
 * Chat channels (config `chat`): Slack channels and Microsoft Teams channels subscribed to the
 * alert topic through AWS Chatbot; every function that publishes adds the chat notification.
 */

import type { SettingsInput } from '../../../lambda/settings/functions';
import type { Ec2TrailFeature, FeaturePart } from '../feature';
import { ChatChannels } from './chat-channels';

/** Chat's part: the channels, and the setting that makes the recording functions add the chat notification. */
export interface ChatPart extends FeaturePart {
  readonly channels: ChatChannels;
}

/** Chat's CDK part: the channels, and the recording functions' chat setting. */
export const chat: Ec2TrailFeature<ChatPart> = {
  name: 'chat',
  attach: ({ config, scope, topic }) => {
    if (!config.chat) return null;
    const channels = new ChatChannels(scope, 'Chat', {
      topic,
      slack: config.chat.slack,
      teams: config.chat.teams,
    });
    const setting: Required<Pick<SettingsInput<'attribution'>, 'CHAT_NOTIFICATIONS'>> = {
      CHAT_NOTIFICATIONS: 'custom',
    };
    return { channels, environment: () => setting };
  },
};
