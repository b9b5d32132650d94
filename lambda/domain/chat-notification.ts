/**
 * The alert as a custom notification of Amazon Q Developer in chat applications (formerly AWS
 * Chatbot), which renders it in Slack and Microsoft Teams. Built from the finished alert, so a
 * late, repeated or remediated alert reads in chat as it does in email. Pure.
 *
 * The event schema is AWS's: `version` "1.0" and `source` "custom" are required; `content` holds
 * the title, the description (rendered as `client-markdown`), next steps and keywords; `metadata`
 * holds the thread id (a launch's alert and its deadline alert share one thread), the summary,
 * the event type and the related resources.
 *
 * What people launched with (tags, names, session names) reaches the alert; in chat it must not
 * become a mention or markup. The body goes in a code block, where chat clients render no
 * markup, and the title has `<`, `>` and `&` escaped as chat clients document.
 */

import type { AlertMessage } from './alert';
import { cut } from './text';

/** Limits of our own, well inside what chat clients show in one message. */
export const CHAT_TITLE_MAX = 250;
export const CHAT_DESCRIPTION_MAX = 8000;
const CHAT_KEYWORDS_MAX = 10;

const escapeMarkup = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A code block that no text inside can close. */
function codeBlock(text: string, max: number): string {
  const inner = text.replace(/`{3,}/g, (ticks) => "'".repeat(ticks.length));
  const room = max - '```\n\n```'.length;
  return `\`\`\`\n${cut(inner, room)}\n\`\`\``;
}

interface AlertJson {
  readonly record?: { readonly eventKey?: unknown };
  readonly request?: { readonly eventKey?: unknown };
  readonly instanceIds?: unknown;
  readonly stopped?: unknown;
  readonly kept?: unknown;
}

function parsed(json: string): AlertJson {
  try {
    const value = JSON.parse(json) as unknown;
    return typeof value === 'object' && value !== null ? (value as AlertJson) : {};
  } catch {
    return {};
  }
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.flatMap((v) => (typeof v === 'string' ? [v] : [])) : [];

/** The notification as JSON, for the `https` protocol that chat applications subscribe with. */
export function chatNotificationOf(message: AlertMessage): string {
  const body = parsed(message.json);
  const eventKey = body.record?.eventKey ?? body.request?.eventKey;
  const threadId = typeof eventKey === 'string' ? eventKey : undefined;
  const resources = [
    ...strings(body.instanceIds),
    ...strings(body.stopped),
    ...(Array.isArray(body.kept)
      ? body.kept.flatMap((k: { instanceId?: unknown }) =>
          typeof k?.instanceId === 'string' ? [k.instanceId] : [],
        )
      : []),
  ];
  const a = message.attributes;
  const keywords = [a.severity, ...(a.rules ? a.rules.split(',') : []), a.account, a.region]
    .filter((k): k is string => typeof k === 'string' && k.length > 0 && k !== 'unknown')
    .slice(0, CHAT_KEYWORDS_MAX);
  return JSON.stringify({
    version: '1.0',
    source: 'custom',
    ...(threadId ? { id: `${threadId}#${a.action ?? 'alert'}` } : {}),
    content: {
      textType: 'client-markdown',
      title: cut(escapeMarkup(message.subject), CHAT_TITLE_MAX),
      description: codeBlock(message.email, CHAT_DESCRIPTION_MAX),
      keywords,
    },
    metadata: {
      ...(threadId ? { threadId } : {}),
      summary: cut(escapeMarkup(message.subject), CHAT_TITLE_MAX),
      eventType:
        a.kind === 'digest'
          ? 'EC2TrailDigest'
          : a.action === 'remediate'
            ? 'EC2TrailRemediation'
            : 'EC2TrailPolicyViolation',
      relatedResources: [...new Set(resources)].slice(0, 50),
      additionalContext: {
        ...(a.account ? { account: a.account } : {}),
        ...(a.region ? { region: a.region } : {}),
        ...(a.severity ? { severity: a.severity } : {}),
      },
    },
  });
}
