/**
 * The latest inventory snapshot in the attribution table: one item under `inventory#latest`,
 * its body a JSON string (a snapshot is read whole, never queried by field). Read back through a
 * schema: an item written by another version that does not fit is no snapshot, not a crash.
 */

import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { InventorySnapshot } from '../domain/inventory/snapshot';
import { INVENTORY_SNAPSHOT_KEY } from '../schema/attribution-table';

const nullableString = z.nullable(z.string());
const nullableNumber = z.nullable(z.number());

const SnapshotSchema = z.object({
  takenAt: z.string(),
  regions: z.array(z.string()),
  failedRegions: z.array(z.string()),
  coverage: z.object({
    instances: z.number(),
    withPerson: z.number(),
    percent: z.number(),
    byEvidence: z.record(z.string(), z.number()),
    unknownByReason: z.record(z.string(), z.number()),
  }),
  running: z.number(),
  runningHourlyUsd: nullableNumber,
  forgottenAfterDays: z.number(),
  forgottenTotal: z.number(),
  forgottenMonthlyUsd: z.number(),
  forgotten: z.array(
    z.object({
      instanceId: z.string(),
      account: nullableString,
      region: z.string(),
      instanceType: nullableString,
      person: nullableString,
      service: nullableString,
      launchedAt: nullableString,
      lastTouch: nullableString,
      hourlyUsd: nullableNumber,
    }),
  ),
});

export class DynamoDbInventorySnapshots {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async save(snapshot: InventorySnapshot): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...INVENTORY_SNAPSHOT_KEY, takenAt: snapshot.takenAt, body: JSON.stringify(snapshot) },
      }),
    );
  }

  /** The latest snapshot; null when none was taken or it cannot be read as one. */
  async latest(): Promise<InventorySnapshot | null> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { ...INVENTORY_SNAPSHOT_KEY } }),
    );
    if (typeof Item?.body !== 'string') return null;
    try {
      const parsed = SnapshotSchema.safeParse(JSON.parse(Item.body));
      return parsed.success ? (parsed.data as InventorySnapshot) : null;
    } catch {
      return null;
    }
  }
}
