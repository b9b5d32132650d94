import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Action } from '../domain';
import { ATTRIBUTION_TABLE, sortableTime } from '../schema/attribution-table';
import { shardKeys } from '../schema/index-shards';
import { parseStoredRow, type StoredRow } from '../schema/stored-row';
import { mergeNewestFirst } from './merge-newest-first';
import { queryItems } from './query-items';

export interface RowFilter {
  /** Earliest event time, epoch milliseconds. */
  readonly fromMs?: number;
  /** Latest event time, epoch milliseconds. */
  readonly toMs?: number;
  readonly action?: Action;
  /** Only failed calls. */
  readonly failed?: boolean;
}

export interface RecentFilter extends RowFilter {
  readonly account?: string;
  readonly region?: string;
}

const DAY_MS = 86_400_000;
// Sorts after every `<ISO time>#<eventKey>`, so a BETWEEN takes all events of its last millisecond.
const AFTER = '#~';

/**
 * The three access patterns, each a DynamoDB Query on the shared key schema, newest first and
 * paginated to the end (stop iterating to stop early). User input only ever reaches the
 * expression values, never the expressions.
 */
export class DynamoDbAttributionQueries {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Every row of one instance, newest first. A time window is a range of the sort key (the table
   * refuses a filter on a key attribute), so rows outside it are never read.
   */
  lifecycle(instanceId: string, filter: RowFilter = {}): AsyncGenerator<StoredRow> {
    const windowed = filter.fromMs !== undefined || filter.toMs !== undefined;
    return this.rows(
      {
        KeyConditionExpression: windowed ? '#pk = :pk AND #sk BETWEEN :from AND :to' : '#pk = :pk',
        ExpressionAttributeNames: {
          '#pk': ATTRIBUTION_TABLE.partitionKey,
          ...(windowed ? { '#sk': ATTRIBUTION_TABLE.sortKey } : {}),
        },
        ExpressionAttributeValues: {
          ':pk': instanceId,
          ...(windowed
            ? {
                ':from': filter.fromMs === undefined ? '0' : sortableTime(filter.fromMs),
                ':to': filter.toMs === undefined ? '~' : `${sortableTime(filter.toMs)}${AFTER}`,
              }
            : {}),
        },
        ScanIndexForward: false,
      },
      filter,
      false,
    );
  }

  /** What one caller did: by ARN when `actor` is one, else by name. */
  byActor(actor: string, filter: RowFilter = {}): AsyncGenerator<StoredRow> {
    const { byActorArn, byActorName } = ATTRIBUTION_TABLE.indexes;
    return this.inWindow(actor.startsWith('arn:') ? byActorArn : byActorName, actor, filter);
  }

  /**
   * What services did for one person (README: "Who is behind the service"): the rows whose
   * initiator has this name, and with `initiatorArn` only those whose initiator has that ARN.
   */
  byInitiator(
    name: string,
    filter: RowFilter & { readonly initiatorArn?: string } = {},
  ): AsyncGenerator<StoredRow> {
    return this.inWindow(ATTRIBUTION_TABLE.indexes.byInitiatorName, name, filter);
  }

  /**
   * The rows of one logical index key whose event time is in the filter's window, newest first:
   * one Query per shard (and the unsharded key of rows not yet migrated), merged.
   */
  private inWindow(
    index: { readonly name: string; readonly partitionKey: string; readonly sortKey: string },
    key: string,
    filter: RowFilter & { readonly initiatorArn?: string },
  ): AsyncGenerator<StoredRow> {
    const streams = shardKeys(key).map((shardKey) =>
      this.rows(
        {
          IndexName: index.name,
          KeyConditionExpression: '#pk = :who AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
          ExpressionAttributeValues: {
            ':who': shardKey,
            ':from': filter.fromMs === undefined ? '0' : sortableTime(filter.fromMs),
            ':to': filter.toMs === undefined ? '~' : `${sortableTime(filter.toMs)}${AFTER}`,
          },
          ScanIndexForward: false,
        },
        filter,
        false,
      ),
    );
    return mergeNewestFirst(streams, (row) => row.eventTimeId);
  }

  /** The name ec2trail gives the caller with this ARN, from any one of their rows; null when none. */
  async nameOfArn(arn: string): Promise<string | null> {
    const index = ATTRIBUTION_TABLE.indexes.byActorArn;
    for (const shardKey of shardKeys(arn)) {
      for await (const row of this.rows(
        {
          IndexName: index.name,
          KeyConditionExpression: '#pk = :who',
          ExpressionAttributeNames: { '#pk': index.partitionKey },
          ExpressionAttributeValues: { ':who': shardKey },
          ScanIndexForward: false,
          // One row says the name; a few in case a row kept none.
          Limit: 10,
        },
        {},
        false,
      ))
        if (row.actor.name) return row.actor.name;
    }
    return null;
  }

  /** Everything in a time window, optionally in one account and region: one Query per UTC day and shard, newest day first. */
  async *recent(
    filter: RecentFilter & { readonly fromMs: number; readonly toMs: number },
  ): AsyncGenerator<StoredRow> {
    const { byDay } = ATTRIBUTION_TABLE.indexes;
    const from = sortableTime(filter.fromMs);
    const to = `${sortableTime(filter.toMs)}${AFTER}`;
    for (
      let day = Math.floor(filter.toMs / DAY_MS) * DAY_MS;
      day >= Math.floor(filter.fromMs / DAY_MS) * DAY_MS;
      day -= DAY_MS
    ) {
      const names: Record<string, string> = { '#pk': byDay.partitionKey };
      const values: Record<string, unknown> = {};
      let key = '#pk = :day';
      if (filter.account && filter.region) {
        // The sort key is `<account>#<region>#<time>#<eventKey>`: the window is a key range.
        names['#sk'] = byDay.sortKey;
        values[':lo'] = `${filter.account}#${filter.region}#${from}`;
        values[':hi'] = `${filter.account}#${filter.region}#${to}`;
        key += ' AND #sk BETWEEN :lo AND :hi';
      } else if (filter.account) {
        names['#sk'] = byDay.sortKey;
        values[':prefix'] = `${filter.account}#`;
        key += ' AND begins_with(#sk, :prefix)';
      }
      // Within a day the index sorts by account and region first, and the day is spread over
      // shards: read them all, then order the day's rows by time.
      const rows: StoredRow[] = [];
      const shards = shardKeys(new Date(day).toISOString().slice(0, 10)).map(async (dayKey) => {
        for await (const row of this.rows(
          {
            IndexName: byDay.name,
            KeyConditionExpression: key,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ...values, ':day': dayKey },
          },
          { ...filter, fromMs: filter.fromMs, toMs: filter.toMs },
          true,
        )) {
          if (filter.region && row.region !== filter.region) continue;
          rows.push(row);
        }
      });
      await Promise.all(shards);
      rows.sort((a, b) => (a.eventTimeId < b.eventTimeId ? 1 : a.eventTimeId > b.eventTimeId ? -1 : 0));
      yield* rows;
    }
  }

  private async *rows(
    base: Omit<QueryCommandInput, 'TableName'>,
    filter: RowFilter & { readonly initiatorArn?: string },
    filterTime: boolean,
  ): AsyncGenerator<StoredRow> {
    const names: Record<string, string> = { ...base.ExpressionAttributeNames };
    const values: Record<string, unknown> = { ...base.ExpressionAttributeValues };
    const conditions: string[] = [];
    if (filter.action) {
      names['#action'] = 'action';
      values[':action'] = filter.action;
      conditions.push('#action = :action');
    }
    if (filter.failed) {
      values[':failed'] = 'failed';
      conditions.push('outcome = :failed');
    }
    if (filter.initiatorArn !== undefined) {
      names['#initiator'] = 'initiator';
      names['#arn'] = 'arn';
      values[':initiatorArn'] = filter.initiatorArn;
      conditions.push('#initiator.#arn = :initiatorArn');
    }
    if (filterTime && filter.fromMs !== undefined) {
      names['#time'] = ATTRIBUTION_TABLE.sortKey;
      values[':timeFrom'] = sortableTime(filter.fromMs);
      conditions.push('#time >= :timeFrom');
    }
    if (filterTime && filter.toMs !== undefined) {
      names['#time'] = ATTRIBUTION_TABLE.sortKey;
      values[':timeTo'] = `${sortableTime(filter.toMs)}${AFTER}`;
      conditions.push('#time <= :timeTo');
    }
    for await (const item of queryItems(this.client, {
      ...base,
      TableName: this.tableName,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
    })) {
      const row = parseStoredRow(item);
      if (row) yield row;
    }
  }
}
