/**
 * Which indexes a reader can and must read (docs/table-move.md). A table created with this
 * version has the new indexes only; a table being moved has the legacy ones and gains the new ones
 * a deploy at a time, and its legacy indexes are read until `ec2trail migrate` has given every row
 * the new keys and written `LAYOUT_MOVED_KEY`. Asked once per reader and index, and cheaply: one
 * GetItem, then one empty Query of the index, which DynamoDB refuses for an index that is not there.
 */

import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { LAYOUT_MOVED_KEY, LEGACY_INDEXES, type LegacyIndexName } from '../schema/attribution-table';

interface IndexKeys {
  readonly name: string;
  readonly partitionKey: string;
}

export class TableLayout {
  private moved: Promise<boolean> | undefined;
  private readonly present = new Map<string, Promise<boolean>>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** True when the legacy index may hold rows the new indexes do not. */
  async reads(name: LegacyIndexName): Promise<boolean> {
    if (await this.isMoved()) return false;
    return this.exists(LEGACY_INDEXES[name]);
  }

  /** True when the table has this version's index (always, once a move is done). */
  async has(index: IndexKeys): Promise<boolean> {
    if (await this.isMoved()) return true;
    return this.exists(index);
  }

  private isMoved(): Promise<boolean> {
    this.moved ??= this.client
      .send(new GetCommand({ TableName: this.tableName, Key: LAYOUT_MOVED_KEY }))
      .then((read) => read.Item !== undefined);
    return this.moved;
  }

  private exists(index: IndexKeys): Promise<boolean> {
    let present = this.present.get(index.name);
    if (present === undefined) {
      present = this.probe(index);
      this.present.set(index.name, present);
    }
    return present;
  }

  private async probe(index: IndexKeys): Promise<boolean> {
    try {
      await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: '#pk = :none',
          ExpressionAttributeNames: { '#pk': index.partitionKey },
          ExpressionAttributeValues: { ':none': 'ledger#probe' },
          Limit: 1,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ValidationException' && /index/i.test(error.message))
        return false;
      throw error;
    }
  }
}
