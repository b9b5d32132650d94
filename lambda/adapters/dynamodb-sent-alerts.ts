import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SentAlert } from '../domain/digest/summarize';
import { SEVERITIES, type Severity } from '../domain/policy/schema';
import { ALERT_PREFIX, ATTRIBUTION_TABLE, alertKey } from '../schema/attribution-table';

/** BatchGetItem reads at most 100 keys per call. */
const GET_BATCH = 100;
const MAX_ATTEMPTS = 8;

function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

/**
 * What was alerted about a set of events, read from their alert markers (`alert#<key>`): the
 * markers of sent alerts carry the severity and the rules the alert listed. A claim that never
 * went out (`pending`) is not an alert anyone received, so it is left out.
 */
export class DynamoDbSentAlerts {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async sentFor(alertKeys: Iterable<string>): Promise<Map<string, SentAlert>> {
    const keys = [...new Set(alertKeys)];
    const sent = new Map<string, SentAlert>();
    for (let i = 0; i < keys.length; i += GET_BATCH) {
      let pending: Record<string, unknown>[] = keys.slice(i, i + GET_BATCH).map(alertKey);
      for (let attempt = 1; pending.length > 0; attempt++) {
        const result = await this.client.send(
          new BatchGetCommand({
            RequestItems: {
              [this.tableName]: {
                Keys: pending,
                ProjectionExpression: '#pk, #status, severity, #rules',
                ExpressionAttributeNames: {
                  '#pk': ATTRIBUTION_TABLE.partitionKey,
                  '#status': 'status',
                  '#rules': 'rules',
                },
              },
            },
          }),
        );
        for (const item of result.Responses?.[this.tableName] ?? []) {
          const pk = item[ATTRIBUTION_TABLE.partitionKey];
          if (typeof pk !== 'string' || item.status !== 'sent' || !isSeverity(item.severity)) continue;
          const rules = typeof item.rules === 'string' ? item.rules.split(',').filter(Boolean) : [];
          sent.set(pk.slice(ALERT_PREFIX.length), { severity: item.severity, rules });
        }
        pending = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
        if (pending.length > 0) {
          // Throttled: the rest is retried, never silently left out of the digest.
          if (attempt >= MAX_ATTEMPTS)
            throw new Error(`${pending.length} alert markers stayed unread after ${attempt} attempts`);
          await this.sleep(Math.min(5_000, 50 * 2 ** attempt));
        }
      }
    }
    return sent;
  }
}
