/**
 * Alerts as chat custom notifications. The required fields and values come from AWS's event
 * schema for custom notifications (version "1.0", source "custom", textType "client-markdown",
 * threadId); the expected subject, instances and keywords from the root-console fixture.
 */

import { compilePolicy, evaluate, renderAlert } from '../../lambda/domain';
import { CHAT_DESCRIPTION_MAX, chatNotificationOf } from '../../lambda/domain/chat-notification';
import { DEFAULT_POLICY_FILE, readPolicyFile } from '../../lib/policy-file';
import { recordsOf } from '../helpers/fixtures';

const policy = compilePolicy(readPolicyFile(DEFAULT_POLICY_FILE));

describe('chatNotificationOf', () => {
  const records = recordsOf('events/runinstances-root-console.json');
  const alert = renderAlert(records, evaluate(records, policy, {}));
  const chat = JSON.parse(chatNotificationOf(alert));

  it('has the fields the custom notification schema requires, and threads by the launch', () => {
    expect(chat.version).toBe('1.0');
    expect(chat.source).toBe('custom');
    expect(chat.content.textType).toBe('client-markdown');
    expect(chat.content.title).toBe(alert.subject);
    expect(chat.metadata.threadId).toBe(records[0]?.eventKey);
    expect(chat.metadata.relatedResources).toEqual([
      'i-0b1b2c3d4e5f60001',
      'i-0b1b2c3d4e5f60002',
      'i-0b1b2c3d4e5f60003',
    ]);
    expect(chat.content.keywords).toEqual(
      expect.arrayContaining([alert.attributes.severity, '111122223333', 'us-east-1']),
    );
    // The email's text, whole, in one code block.
    expect(chat.content.description).toBe(`\`\`\`\n${alert.email}\n\`\`\``);
  });

  it('lets nothing from the event become a mention or markup, nor close the code block', () => {
    const hostile = {
      ...alert,
      subject: '[CRITICAL] <!channel> <@U123> launched & left',
      email: 'Name tag: ```\n<!here> *bold*\n```',
    };
    const out = JSON.parse(chatNotificationOf(hostile));
    expect(out.content.title).toBe('[CRITICAL] &lt;!channel&gt; &lt;@U123&gt; launched &amp; left');
    const inner = out.content.description.slice(4, -4);
    expect(out.content.description.startsWith('```\n')).toBe(true);
    expect(out.content.description.endsWith('\n```')).toBe(true);
    expect(inner).not.toContain('```');
  });

  it('stays within its length limit for a huge alert', () => {
    const out = JSON.parse(chatNotificationOf({ ...alert, email: 'x'.repeat(100_000) }));
    expect(out.content.description.length).toBeLessThanOrEqual(CHAT_DESCRIPTION_MAX);
    expect(out.content.description.endsWith('\n```')).toBe(true);
  });

  it('threads a deadline alert with its launch', () => {
    const stop = {
      ...alert,
      json: JSON.stringify({
        request: { eventKey: 'launch-key' },
        stopped: ['i-1'],
        kept: [{ instanceId: 'i-2' }],
      }),
      attributes: { ...alert.attributes, action: 'remediate' },
    };
    const out = JSON.parse(chatNotificationOf(stop));
    expect(out.metadata).toMatchObject({
      threadId: 'launch-key',
      eventType: 'EC2TrailRemediation',
      relatedResources: ['i-1', 'i-2'],
    });
  });
});
