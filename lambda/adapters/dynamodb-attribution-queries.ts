import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Action } from '../domain';
import {
  ATTRIBUTION_TABLE,
  isServiceName,
  LEGACY_INDEXES,
  SERVICE_PREFIX,
  sortableTime,
} from '../schema/attribution-table';
import { shardKeys, unsharded } from '../schema/index-shards';
import { personKeyOfItem } from '../schema/record-row';
import { parseStoredRow, type StoredRow } from '../schema/stored-row';
import { backoffDelay } from './backoff';
import { batchGetAll } from './batch-get-all';
import { mergeNewestFirst } from './merge-newest-first';
import { queryItems } from './query-items';
import { TableLayout } from './table-layout';

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

/** Index entries read before their rows are fetched: one BatchGetItem's worth. */
const FETCH_BATCH = 100;

interface IndexSpec {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

/**
 * The access patterns, each a DynamoDB Query on the shared key schema, newest first and paginated
 * to the end (stop iterating to stop early). The indexes hold one entry per event with a few of
 * its fields (docs/querying.md); the rows themselves are read by their keys, 100 to a
 * BatchGetItem. While a table is being moved, the legacy indexes are read too and every row is
 * given once. User input only ever reaches the expression values, never the expressions.
 */
export class DynamoDbAttributionQueries {
  private readonly layout: TableLayout;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.layout = new TableLayout(client, tableName);
  }

  /**
   * Every row of one instance, newest first. A time window is a range of the sort key (the table
   * refuses a filter on a key attribute), so rows outside it are never read.
   */
  lifecycle(instanceId: string, filter: RowFilter = {}): AsyncGenerator<StoredRow> {
    const windowed = filter.fromMs !== undefined || filter.toMs !== undefined;
    return this.rows(
      this.items(
        {
          KeyConditionExpression: windowed ? '#pk = :pk AND #sk BETWEEN :from AND :to' : '#pk = :pk',
          ExpressionAttributeNames: {
            '#pk': ATTRIBUTION_TABLE.partitionKey,
            ...(windowed ? { '#sk': ATTRIBUTION_TABLE.sortKey } : {}),
          },
          ExpressionAttributeValues: {
            ':pk': instanceId,
            ...(windowed ? { ':from': lowerBound(filter), ':to': upperBound(filter) } : {}),
          },
          ScanIndexForward: false,
        },
        filter,
        false,
      ),
    );
  }

  /**
   * What one person did and what services did for them, newest first: one Query of the
   * `byPerson` key `name` (a service's name reads its 64 shards). By ARN, the rows of the names
   * the ARN can have (`namesOfArn`) whose caller or initiator has that ARN.
   */
  async *byPerson(person: string, filter: RowFilter = {}): AsyncGenerator<StoredRow> {
    const arn = person.startsWith('arn:') ? person : null;
    const names = arn === null ? [person] : namesOfArn(arn);
    const [persons, actorNames, initiatorNames, actorArns] = await Promise.all([
      this.layout.has(ATTRIBUTION_TABLE.indexes.byPerson),
      this.layout.reads('byActorName'),
      this.layout.reads('byInitiatorName'),
      arn === null ? false : this.layout.reads('byActorArn'),
    ]);
    const streams: AsyncIterator<Record<string, unknown>>[] = [];
    for (const name of names) {
      const { byPerson } = ATTRIBUTION_TABLE.indexes;
      const keys = isServiceName(name)
        ? [name, ...shardKeys(`${SERVICE_PREFIX}${name}`).slice(0, -1)]
        : [name];
      if (persons) for (const key of keys) streams.push(this.inWindow(byPerson, key, filter));
      if (actorNames)
        for (const key of shardKeys(name))
          streams.push(this.inWindow(LEGACY_INDEXES.byActorName, key, filter));
      if (initiatorNames)
        for (const key of shardKeys(name))
          streams.push(this.inWindow(LEGACY_INDEXES.byInitiatorName, key, filter));
    }
    if (arn !== null && actorArns)
      for (const key of shardKeys(arn)) streams.push(this.inWindow(LEGACY_INDEXES.byActorArn, key, filter));
    const entries = onceEach(mergeNewestFirst(streams, (item) => String(item[ATTRIBUTION_TABLE.sortKey])));
    // A legacy index groups rows by caller and by initiator: keep the ones `byPerson` would give.
    const asked = new Set(names);
    const keyed = (item: Record<string, unknown>) => {
      const key = personKeyOfItem(item);
      if (key === undefined) return false;
      return (
        asked.has(key) ||
        (key.startsWith(SERVICE_PREFIX) && asked.has(unsharded(key).slice(SERVICE_PREFIX.length)))
      );
    };
    for await (const row of this.rows(entries, keyed)) {
      if (arn === null || row.actor.arn === arn || row.initiator?.arn === arn) yield row;
    }
  }

  /** Everything in a time window, optionally in one account and region: one Query per UTC day and shard, newest day first. */
  async *recent(
    filter: RecentFilter & { readonly fromMs: number; readonly toMs: number },
  ): AsyncGenerator<StoredRow> {
    const indexes: IndexSpec[] = [];
    if (await this.layout.has(ATTRIBUTION_TABLE.indexes.byDate))
      indexes.push(ATTRIBUTION_TABLE.indexes.byDate);
    if (await this.layout.reads('byDay')) indexes.push(LEGACY_INDEXES.byDay);
    const from = sortableTime(filter.fromMs);
    const to = `${sortableTime(filter.toMs)}${AFTER}`;
    for (
      let day = Math.floor(filter.toMs / DAY_MS) * DAY_MS;
      day >= Math.floor(filter.fromMs / DAY_MS) * DAY_MS;
      day -= DAY_MS
    ) {
      // Within a day the index sorts by account and region first, and the day is spread over
      // shards: read them all, then order the day's rows by time.
      const entries: Record<string, unknown>[] = [];
      const reads = indexes.flatMap((index) =>
        shardKeys(new Date(day).toISOString().slice(0, 10)).map(async (dayKey) => {
          for await (const item of this.items(
            { IndexName: index.name, ...dayCondition(index, dayKey, filter, from, to) },
            filter,
            true,
          ))
            entries.push(item);
        }),
      );
      await Promise.all(reads);
      const rows: StoredRow[] = [];
      for await (const row of this.rows(onceEach(sorted(entries)))) {
        if (filter.region && row.region !== filter.region) continue;
        rows.push(row);
      }
      rows.sort((a, b) => (a.eventTimeId < b.eventTimeId ? 1 : a.eventTimeId > b.eventTimeId ? -1 : 0));
      yield* rows;
    }
  }

  /** The entries of one index key whose event time is in the filter's window, newest first. */
  private inWindow(
    index: IndexSpec,
    key: string,
    filter: RowFilter,
  ): AsyncGenerator<Record<string, unknown>> {
    return this.items(
      {
        IndexName: index.name,
        KeyConditionExpression: '#pk = :who AND #sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
        ExpressionAttributeValues: { ':who': key, ':from': lowerBound(filter), ':to': upperBound(filter) },
        ScanIndexForward: false,
      },
      filter,
      false,
    );
  }

  /**
   * The rows of a stream of table items and index entries, in its order: a row (from the table or
   * a legacy index, which holds whole rows) as it is; an entry of `byPerson` or `byDate` as the
   * rows of its event, read by their keys.
   */
  private async *rows(
    items: AsyncIterable<Record<string, unknown>>,
    keepWhole: (item: Record<string, unknown>) => boolean = () => true,
  ): AsyncGenerator<StoredRow> {
    let pending: Record<string, unknown>[] = [];
    // A row reached twice (through its event's entry and its own, or through a legacy index and a
    // new one) is given once. The stream is in time order, so only the current time's keys are kept.
    let time: string | undefined;
    let given = new Set<string>();
    const flush = async function* (this: DynamoDbAttributionQueries) {
      const batch = pending.filter((item) => !isWholeRow(item) || keepWhole(item));
      pending = [];
      for await (const row of this.fetched(batch)) {
        if (row.eventTimeId !== time) {
          time = row.eventTimeId;
          given = new Set();
        }
        const key = `${row.instanceId ?? ''}|${row.eventKey}`;
        if (given.has(key)) continue;
        given.add(key);
        yield row;
      }
    }.bind(this);
    for await (const item of items) {
      pending.push(item);
      if (pending.length >= FETCH_BATCH) yield* flush();
    }
    yield* flush();
  }

  /** The rows of a batch of items and entries, in the batch's order, each once. */
  private async *fetched(batch: readonly Record<string, unknown>[]): AsyncGenerator<StoredRow> {
    const keys: Record<string, string>[] = [];
    for (const item of batch) if (!isWholeRow(item)) keys.push(...rowKeysOf(item));
    const found = new Map<string, Record<string, unknown>>();
    for (const row of await batchGetAll(this.client, this.tableName, keys, READ_ROWS))
      found.set(keyString(row), row);
    const given = new Set<string>();
    for (const item of batch) {
      const items = isWholeRow(item) ? [item] : rowKeysOf(item).map((key) => found.get(keyString(key)));
      for (const whole of items) {
        if (whole === undefined) continue;
        const key = keyString(whole);
        if (given.has(key)) continue;
        given.add(key);
        const row = parseStoredRow(whole);
        if (row) yield row;
      }
    }
  }

  /**
   * The items of a Query, with the filter's action and outcome as a filter expression (both are
   * on every row and in every index entry).
   */
  private async *items(
    base: Omit<QueryCommandInput, 'TableName'>,
    filter: RowFilter,
    filterTime: boolean,
  ): AsyncGenerator<Record<string, unknown>> {
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
    }))
      yield item;
  }
}

const READ_ROWS = {
  projection: '',
  names: {},
  maxAttempts: 8,
  backoffMs: (attempt: number) => backoffDelay(attempt, { baseMs: 50, capMs: 5_000, jitter: 'equal' }),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

function lowerBound(filter: RowFilter): string {
  return filter.fromMs === undefined ? '0' : sortableTime(filter.fromMs);
}

function upperBound(filter: RowFilter): string {
  return filter.toMs === undefined ? '~' : `${sortableTime(filter.toMs)}${AFTER}`;
}

/** The key condition of one day's shard, narrowed to an account (and region) when asked. */
function dayCondition(
  index: IndexSpec,
  dayKey: string,
  filter: RecentFilter,
  from: string,
  to: string,
): Pick<
  QueryCommandInput,
  'KeyConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
> {
  const names: Record<string, string> = { '#pk': index.partitionKey };
  const values: Record<string, unknown> = { ':day': dayKey };
  let key = '#pk = :day';
  if (filter.account && filter.region) {
    // The sort key is `<account>#<region>#<time>#<eventKey>`: the window is a key range.
    names['#sk'] = index.sortKey;
    values[':lo'] = `${filter.account}#${filter.region}#${from}`;
    values[':hi'] = `${filter.account}#${filter.region}#${to}`;
    key += ' AND #sk BETWEEN :lo AND :hi';
  } else if (filter.account) {
    names['#sk'] = index.sortKey;
    values[':prefix'] = `${filter.account}#`;
    key += ' AND begins_with(#sk, :prefix)';
  }
  return { KeyConditionExpression: key, ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}

/** A whole row carries its event key; an entry of the new indexes carries only a few fields. */
function isWholeRow(item: Record<string, unknown>): boolean {
  return typeof item.eventKey === 'string';
}

/** The keys of the rows an entry stands for: its own, or every row of its event. */
function rowKeysOf(entry: Record<string, unknown>): Record<string, string>[] {
  const sort = String(entry[ATTRIBUTION_TABLE.sortKey]);
  const ids = Array.isArray(entry.instanceIds)
    ? entry.instanceIds.filter((id): id is string => typeof id === 'string')
    : [String(entry[ATTRIBUTION_TABLE.partitionKey])];
  return ids.map((id) => ({ [ATTRIBUTION_TABLE.partitionKey]: id, [ATTRIBUTION_TABLE.sortKey]: sort }));
}

function keyString(item: Record<string, unknown>): string {
  return `${String(item[ATTRIBUTION_TABLE.partitionKey])}\u0000${String(item[ATTRIBUTION_TABLE.sortKey])}`;
}

/** Items in time order, newest first. */
async function* sorted(items: Record<string, unknown>[]): AsyncGenerator<Record<string, unknown>> {
  const sortOf = (item: Record<string, unknown>) =>
    String(item.accountRegionTime ?? '').replace(/^[^#]*#[^#]*#/, '');
  yield* [...items].sort((a, b) => (sortOf(a) < sortOf(b) ? 1 : sortOf(a) > sortOf(b) ? -1 : 0));
}

/**
 * The stream without an item whose key came before (the same row through a legacy index and a
 * new one, while a table is being moved). Keys are remembered per sort key, which the stream
 * is ordered by, so memory stays small.
 */
async function* onceEach(
  items: AsyncIterable<Record<string, unknown>>,
): AsyncGenerator<Record<string, unknown>> {
  let sort: unknown;
  let seen = new Set<string>();
  for await (const item of items) {
    if (item[ATTRIBUTION_TABLE.sortKey] !== sort) {
      sort = item[ATTRIBUTION_TABLE.sortKey];
      seen = new Set();
    }
    const key = `${String(item[ATTRIBUTION_TABLE.partitionKey])}|${Array.isArray(item.instanceIds) ? 'event' : 'row'}`;
    if (seen.has(key)) continue;
    seen.add(key);
    yield item;
  }
}

/**
 * The names a caller with this ARN can be recorded under (docs/querying.md): an IAM user's or a
 * federated user's name, an assumed role's session (an Identity Center user, an email), its
 * `role/session`, and the ARN itself for a caller with no name. A name given as a source
 * identity is not in the ARN: ask by that name.
 */
export function namesOfArn(arn: string): string[] {
  const resource = arn.split(':').slice(5).join(':');
  const parts = resource.split('/');
  const names = new Set<string>([arn]);
  const last = parts[parts.length - 1];
  if (last) names.add(last);
  if (parts[0] === 'assumed-role' && parts.length >= 3) names.add(`${parts[1]}/${parts.slice(2).join('/')}`);
  if (resource === 'root') names.add('root');
  return [...names];
}
