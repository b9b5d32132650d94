import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { AlertClaim, AlertLedger, ClaimOptions, SentAlertLookup, SentAlertSummary } from '../ports';
import { ATTRIBUTION_TABLE, alertKey } from '../schema/attribution-table';

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * Alert markers in the attribution table (`alert#<key>` / `alert`): a conditional put claims the
 * alert, a later update marks it sent. A claim left by a crashed invocation can be taken over
 * once its lease has expired; the put's old image tells the taker so (`reclaimed`).
 */
export class DynamoDbAlertLedger implements AlertLedger, SentAlertLookup {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(eventKey: string, { now, leaseMs, expiresAt }: ClaimOptions): Promise<AlertClaim> {
    try {
      const { Attributes } = await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...alertKey(eventKey),
            status: 'pending',
            claimedUntil: now.getTime() + leaseMs,
            ...(expiresAt !== undefined ? { expiresAt } : {}),
          },
          ConditionExpression: 'attribute_not_exists(#pk) OR (#status = :pending AND claimedUntil < :now)',
          ExpressionAttributeNames: { '#pk': ATTRIBUTION_TABLE.partitionKey, '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending', ':now': now.getTime() },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return Attributes ? 'reclaimed' : 'claimed';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: alertKey(eventKey), ConsistentRead: true }),
    );
    return Item?.status === 'sent' ? 'already-sent' : 'in-flight';
  }

  async markSent(eventKey: string, now: Date, summary: { severity: string; rules: string }): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: alertKey(eventKey),
        UpdateExpression:
          'SET #status = :sent, sentAt = :at, severity = :severity, #rules = :rules REMOVE claimedUntil',
        ExpressionAttributeNames: { '#status': 'status', '#rules': 'rules' },
        ExpressionAttributeValues: {
          ':sent': 'sent',
          ':at': now.toISOString(),
          ':severity': summary.severity,
          ':rules': summary.rules,
        },
      }),
    );
  }

  /** The marker of a sent alert (a consistent read); null for none or a claim that never went out. */
  async sentAlert(eventKey: string): Promise<SentAlertSummary | null> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: alertKey(eventKey),
        ConsistentRead: true,
        ProjectionExpression: '#status, severity, #rules, sentAt',
        ExpressionAttributeNames: { '#status': 'status', '#rules': 'rules' },
      }),
    );
    if (Item?.status !== 'sent' || typeof Item.severity !== 'string') return null;
    const rules = typeof Item.rules === 'string' ? Item.rules.split(',').filter(Boolean) : [];
    return { severity: Item.severity, rules, sentAt: typeof Item.sentAt === 'string' ? Item.sentAt : null };
  }

  async release(eventKey: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: alertKey(eventKey),
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending' },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
