import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SentAlert } from '../domain/digest/summarize';
import { SEVERITIES, type Severity } from '../domain/policy/schema';
import { ALERT_PREFIX, ATTRIBUTION_TABLE, alertKey } from '../schema/attribution-table';
import { backoffDelay } from './backoff';
import { batchGetAll } from './batch-get-all';

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
    const items = await batchGetAll(this.client, this.tableName, [...new Set(alertKeys)].map(alertKey), {
      projection: '#pk, #status, severity, #rules',
      names: { '#pk': ATTRIBUTION_TABLE.partitionKey, '#status': 'status', '#rules': 'rules' },
      // Throttled keys are asked again, never silently left out of the digest.
      maxAttempts: MAX_ATTEMPTS,
      backoffMs: (attempt) => backoffDelay(attempt, { baseMs: 100, capMs: 5_000 }),
      sleep: this.sleep,
    });
    const sent = new Map<string, SentAlert>();
    for (const item of items) {
      const pk = item[ATTRIBUTION_TABLE.partitionKey];
      if (typeof pk !== 'string' || item.status !== 'sent' || !isSeverity(item.severity)) continue;
      const rules = typeof item.rules === 'string' ? item.rules.split(',').filter(Boolean) : [];
      sent.set(pk.slice(ALERT_PREFIX.length), { severity: item.severity, rules });
    }
    return sent;
  }
}
