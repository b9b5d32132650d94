import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type CauseEntry, isLater } from '../domain/lineage/link';
import type { LaunchLineage } from '../domain/lineage/resolve';
import type { EffectPointer, LineageStore, RowKey, SavedLink } from '../ports';
import { ATTRIBUTION_TABLE } from '../schema/attribution-table';
import {
  causeItemKey,
  causesUpTo,
  effectItemKey,
  effectsBetween,
  resourcePartition,
} from '../schema/lineage-items';
import { callerFactsOfRow, lineageOfRow, viaOfRow } from '../schema/record-row';
import { queryItems } from './query-items';

const PK = ATTRIBUTION_TABLE.partitionKey;
const SK = ATTRIBUTION_TABLE.sortKey;

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function causeOfItem(key: string, item: Record<string, unknown>): CauseEntry | null {
  const sort = text(item[SK])?.slice(2);
  if (!sort || typeof item.timeMs !== 'number' || typeof item.eventName !== 'string') return null;
  return {
    key,
    sort,
    timeMs: item.timeMs,
    eventId: text(item.eventId),
    eventName: item.eventName,
    eventTime: text(item.eventTime),
    verb: text(item.verb) ?? 'changed',
    actor: callerFactsOfRow(item.actor),
    byPerson: item.byPerson === true,
    actsFor: strings(item.actsFor),
    windowMs: typeof item.windowMs === 'number' ? item.windowMs : 3_600_000,
  };
}

/**
 * Causes and effect pointers in the attribution table, and links written on effect rows. Every
 * read is consistent and every link write conditional on the cause it came from, so concurrent
 * and out-of-order deliveries end in the same links.
 */
export class DynamoDbLineageStore implements LineageStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putCauses(entries: readonly CauseEntry[], expiresAt: number | undefined): Promise<void> {
    await Promise.all(
      entries.map((entry) =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...causeItemKey(entry.key, entry.sort),
              timeMs: entry.timeMs,
              eventId: entry.eventId,
              eventName: entry.eventName,
              eventTime: entry.eventTime,
              verb: entry.verb,
              actor: entry.actor,
              byPerson: entry.byPerson,
              actsFor: entry.actsFor,
              windowMs: entry.windowMs,
              ...(expiresAt !== undefined ? { expiresAt } : {}),
            },
          }),
        ),
      ),
    );
  }

  async latest(keys: readonly string[], atMs: number): Promise<CauseEntry | null> {
    const bounds = causesUpTo(atMs);
    const found = await Promise.all(
      [...new Set(keys)].map(async (key) => {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
            ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
            ExpressionAttributeValues: {
              ':pk': resourcePartition(key),
              ':from': bounds.from,
              ':to': bounds.to,
            },
            ScanIndexForward: false,
            Limit: 1,
            ConsistentRead: true,
          }),
        );
        const item = page.Items?.[0];
        return item ? causeOfItem(key, item) : null;
      }),
    );
    return found.reduce<CauseEntry | null>(
      (best, entry) => (entry && (!best || isLater(entry, best)) ? entry : best),
      null,
    );
  }

  async launchOf(instanceId: string): Promise<LaunchLineage | null> {
    for await (const item of queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk',
      FilterExpression: '#action = :launch AND outcome = :success',
      ProjectionExpression: 'via, lineage',
      ExpressionAttributeNames: { '#pk': PK, '#action': 'action' },
      ExpressionAttributeValues: { ':pk': instanceId, ':launch': 'launch', ':success': 'success' },
      ConsistentRead: true,
    }))
      return { via: viaOfRow(item.via), actsFor: lineageOfRow(item.lineage).actsFor };
    return null;
  }

  async putEffect(
    pointer: EffectPointer,
    keys: readonly string[],
    expiresAt: number | undefined,
  ): Promise<void> {
    await Promise.all(
      keys.map((key) =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...effectItemKey(key, pointer.timeMs, pointer.eventKey, pointer.row.instanceId),
              row: pointer.row,
              eventKey: pointer.eventKey,
              timeMs: pointer.timeMs,
              action: pointer.action,
              eventName: pointer.eventName,
              eventTime: pointer.eventTime,
              // Not `instanceId`: that is the table's partition key, here the resource's.
              effectInstanceId: pointer.instanceId,
              via: pointer.via,
              actsFor: pointer.lineage.actsFor,
              changes: pointer.changes,
              ...(expiresAt !== undefined ? { expiresAt } : {}),
            },
          }),
        ),
      ),
    );
  }

  async effectsOn(key: string, fromMs: number, toMs: number): Promise<readonly EffectPointer[]> {
    const bounds = effectsBetween(fromMs, toMs);
    const pointers: EffectPointer[] = [];
    for await (const item of queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: { ':pk': resourcePartition(key), ':from': bounds.from, ':to': bounds.to },
      ConsistentRead: true,
    })) {
      const row = item.row as Record<string, unknown> | undefined;
      const instanceId = text(row?.instanceId);
      const eventTimeId = text(row?.eventTimeId);
      if (!instanceId || !eventTimeId || typeof item.timeMs !== 'number') continue;
      pointers.push({
        row: { instanceId, eventTimeId },
        eventKey: text(item.eventKey) ?? '',
        timeMs: item.timeMs,
        action: item.action as EffectPointer['action'],
        eventName: text(item.eventName) ?? '',
        eventTime: text(item.eventTime),
        instanceId: text(item.effectInstanceId),
        via: viaOfRow(item.via),
        lineage: { actsFor: strings(item.actsFor) },
        changes: strings(item.changes),
      });
    }
    return pointers;
  }

  async saveLink(row: RowKey, link: SavedLink): Promise<boolean> {
    const values: Record<string, unknown> = {
      ':via': link.via,
      ':initiator': link.initiator,
      ':reason': link.initiatorReason,
      ':actsFor': link.actsFor,
      ':unresolved': false,
      ':sort': link.linkSort,
    };
    const sets = [
      'via = :via',
      'initiator = :initiator',
      'initiatorReason = :reason',
      'lineage.actsFor = :actsFor',
      'lineage.unresolved = :unresolved',
      'lineage.linkSort = :sort',
    ];
    if (link.linkSort !== null) sets.push('linkSort = :sort');
    // The row's byPerson key follows the link to the person behind the call. A row that does not
    // lead its event gets an entry of its own then, which readers give once with the event's.
    // (A link with no person leaves the key as it is: the caller's, as written.)
    const person = link.initiator?.name ?? link.initiator?.arn;
    if (link.via !== null && person) {
      sets.push('person = :person');
      values[':person'] = person;
    }
    // A link from a later cause is never replaced by one from an earlier cause, nor by none.
    const condition =
      link.linkSort === null
        ? 'attribute_exists(#pk) AND attribute_not_exists(linkSort)'
        : 'attribute_exists(#pk) AND (attribute_not_exists(linkSort) OR linkSort <= :sort)';
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: row.instanceId, [SK]: row.eventTimeId },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}
