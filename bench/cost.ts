/**
 * What a million lifecycle events cost, from the capacity DynamoDB reports for every request the
 * live handler and replay send (./consumed-capacity.ts), priced with ./prices.ts; and the hot
 * partition keys of the organization-scale workloads (support/hot-keys.ts).
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readInputs } from '../cli/inputs';
import { ensureTable, localClient } from '../cli/local/dynamodb-local';
import { Replayer } from '../cli/replay/replayer';
import { DynamoDbBatchImporter } from '../lambda/adapters/dynamodb-batch-importer';
import { DynamoDbLineageStore } from '../lambda/adapters/dynamodb-lineage-store';
import { SnsAlertPublisher } from '../lambda/adapters/sns-alert-publisher';
import { attribute, compilePolicy } from '../lambda/domain';
import { createHandler } from '../lambda/handler';
import { recordingDeps } from '../lambda/runtime/recording-deps';
import { ATTRIBUTION_TABLE, LEGACY_INDEXES, placesOf, toItem } from '../lambda/schema/attribution-table';
import { DEFAULT_POLICY_FILE, readPolicyFile } from '../lib/policy-file';
import { itemSize } from '../support/dynamodb-item-size';
import { indexEntryOf, simulate } from '../support/hot-keys';
import { legacyItem } from '../support/legacy-row';
import { massTerminate, organizationScaleOut, replayAtRate } from '../support/scale-workloads';
import { syntheticEvents, writeSyntheticTrail } from '../support/synthetic-trail';
import { meterCapacity } from './consumed-capacity';
import { emulatorTopic } from './emulator-topic';
import { ASSUMPTIONS, PRICES, PRICES_AS_OF } from './prices';
import { SILENT_LOG, SILENT_METRICS } from './silent';

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function metered(endpoint: string) {
  const client = localClient(endpoint);
  const tally = meterCapacity(client);
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { client, tally, documents };
}

export async function benchCost(dynamoEndpoint: string, snsEndpoint: string, events: number) {
  // The live function, wired as lambda/index.ts wires it, with the default policy.
  const live = metered(dynamoEndpoint);
  await ensureTable(live.client, 'bench-cost-live');
  const { sns, topicArn: TopicArn } = await emulatorTopic(snsEndpoint, 'bench-cost');
  const handle = createHandler({
    ...recordingDeps({
      documents: live.documents,
      tableName: 'bench-cost-live',
      publisher: new SnsAlertPublisher(sns, TopicArn),
      logger: SILENT_LOG,
      metrics: SILENT_METRICS,
    }),
    policy: compilePolicy(readPolicyFile(DEFAULT_POLICY_FILE)),
  });
  // Metered from the first event: table creation is not a request the function makes.
  Object.assign(live.tally, { readUnits: 0, writeUnits: 0, requests: 0, refusedWrites: 0 });
  let rows = 0;
  for (const event of syntheticEvents(events, 21)) {
    await handle({ 'detail-type': 'AWS API Call via CloudTrail', detail: JSON.parse(event.text) });
    rows += event.records;
  }
  const liveTally = { ...live.tally };
  live.client.destroy();
  sns.destroy();

  // Replay of a trail of the same size.
  const trail = mkdtempSync(join(tmpdir(), 'ec2trail-bench-cost-'));
  writeSyntheticTrail(trail, { files: Math.max(1, Math.round(events / 500)), eventsPerFile: 500, seed: 22 });
  const replay = metered(dynamoEndpoint);
  await ensureTable(replay.client, 'bench-cost-replay');
  Object.assign(replay.tally, { readUnits: 0, writeUnits: 0, requests: 0, refusedWrites: 0 });
  await new Replayer({
    importer: new DynamoDbBatchImporter(replay.documents, 'bench-cost-replay'),
    lineage: new DynamoDbLineageStore(replay.documents, 'bench-cost-replay'),
    ingestedBy: 'replay',
    now: () => new Date(),
  }).run(readInputs([trail]));
  const replayEvents = Math.max(1, Math.round(events / 500)) * 500;
  const replayTally = { ...replay.tally };
  replay.client.destroy();

  const wcu = liveTally.writeUnits / events;
  const rcu = liveTally.readUnits / events;
  const dynamoUsd = (wcu * PRICES.dynamoDbWriteUnit + rcu * PRICES.dynamoDbReadUnit) * 1e6;
  const lambdaUsd =
    (PRICES.lambdaRequest +
      ASSUMPTIONS.lambdaMemoryGb * (ASSUMPTIONS.lambdaBilledMsPerEvent / 1000) * PRICES.lambdaArmGbSecond) *
    1e6;
  const logsUsd = ((ASSUMPTIONS.logBytesPerEvent * 1e6) / 1e9) * PRICES.logsIngestGb;
  const replayWcu = replayTally.writeUnits / replayEvents;
  const replayRcu = replayTally.readUnits / replayEvents;
  return {
    costEvents: events,
    costRowsPerEvent: round(rows / events, 3),
    wcuPerEvent: round(wcu, 3),
    rcuPerEvent: round(rcu, 3),
    dynamoRequestsPerEvent: round(liveTally.requests / events, 2),
    refusedWritesPerEvent: round(liveTally.refusedWrites / events, 3),
    costPerMillionEventsUsd: round(dynamoUsd + lambdaUsd + logsUsd, 2),
    costDynamoDbPerMillionUsd: round(dynamoUsd, 2),
    costLambdaPerMillionUsd: round(lambdaUsd, 2),
    costLogsPerMillionUsd: round(logsUsd, 2),
    replayWcuPerEvent: round(replayWcu, 3),
    replayRcuPerEvent: round(replayRcu, 3),
    replayCostPerMillionEventsUsd: round(
      (replayWcu * PRICES.dynamoDbWriteUnit + replayRcu * PRICES.dynamoDbReadUnit) * 1e6,
      2,
    ),
  };
}

/** DynamoDB's storage overhead per item, and per index entry (the developer guide's sizing rules). */
const ITEM_OVERHEAD_BYTES = 100;
const GIB = 1024 ** 3;

/**
 * What the rows of `events` synthetic events keep on disk, with DynamoDB's 100 bytes per item and
 * per index entry: now, each compact row on the table and its event's entries on `byPerson` and
 * `byDate` (the fields they include); `legacy`, each whole row on the table and again on each of
 * the four indexes of whole rows that held it.
 */
export function storagePerRow(
  events: number,
  layout: 'now' | 'legacy' = 'now',
): { tableBytes: number; indexBytes: number } {
  let rows = 0;
  let tableBytes = 0;
  let indexBytes = 0;
  const meta = { ingestedBy: 'live' as const, now: new Date('2026-03-02T00:00:00Z') };
  for (const event of syntheticEvents(events, 21)) {
    const result = attribute(JSON.parse(event.text));
    if (result.kind !== 'records') continue;
    const places = placesOf(result.records);
    for (const [i, record] of result.records.entries()) {
      rows++;
      if (layout === 'legacy') {
        const item = legacyItem(record, meta);
        const size = itemSize(item) + ITEM_OVERHEAD_BYTES;
        tableBytes += size;
        for (const index of Object.values(LEGACY_INDEXES))
          if (typeof item[index.partitionKey] === 'string') indexBytes += size;
        continue;
      }
      const item = toItem(record, meta, places[i]);
      tableBytes += itemSize(item) + ITEM_OVERHEAD_BYTES;
      for (const index of Object.values(ATTRIBUTION_TABLE.indexes))
        if (typeof item[index.partitionKey] === 'string')
          indexBytes += itemSize(indexEntryOf(item, index)) + ITEM_OVERHEAD_BYTES;
    }
  }
  return { tableBytes: tableBytes / rows, indexBytes: indexBytes / rows };
}

/** Storage per million rows, and the README's organization month priced from the measured cost. */
export function benchStorage(
  events: number,
  cost: { costPerMillionEventsUsd: number; costRowsPerEvent: number },
) {
  const perRow = storagePerRow(events);
  const whole = storagePerRow(events, 'legacy');
  const bytesPerRow = perRow.tableBytes + perRow.indexBytes;
  const rowsPerMonth = ASSUMPTIONS.organizationEventsPerMonth * cost.costRowsPerEvent;
  const gbPerMonth = (rowsPerMonth * bytesPerRow) / GIB;
  const requestsUsd =
    (ASSUMPTIONS.organizationEventsPerMonth / 1e6) * cost.costPerMillionEventsUsd +
    ASSUMPTIONS.organizationEventsPerMonth * PRICES.eventBridgeCrossAccountEvent;
  return {
    pricesAsOf: PRICES_AS_OF,
    storageBytesPerRowTable: Math.round(perRow.tableBytes),
    storageBytesPerRowIndexes: Math.round(perRow.indexBytes),
    storageGbPerMillionRows: round((1e6 * bytesPerRow) / GIB, 2),
    // The same rows as earlier versions wrote them (whole, four indexes of whole rows), in the same run.
    storageGbPerMillionRowsLegacy: round((1e6 * (whole.tableBytes + whole.indexBytes)) / GIB, 2),
    orgStorageGbAddedPerMonth: round(gbPerMonth, 1),
    orgStorageUsdAddedPerMonth: round(gbPerMonth * PRICES.dynamoDbStorageGbMonth, 2),
    orgMonthlyUsdFirstMonth: round(
      requestsUsd + ASSUMPTIONS.fixedUsdPerMonth + gbPerMonth * PRICES.dynamoDbStorageGbMonth,
      2,
    ),
  };
}

/** The busiest partition key, in write units in one second, over the three workloads. */
export function benchHotKeys() {
  const workloads = {
    scaleOut: organizationScaleOut({ accounts: 200, regions: 4, instances: 500 }),
    terminate: massTerminate(1_000),
    replay: replayAtRate(100_000, 5_000),
  };
  const results = Object.entries(workloads).map(([name, workload]) => ({ name, ...simulate(workload) }));
  const worst = results.reduce((a, b) => (b.sharded.worst.writeUnits > a.sharded.worst.writeUnits ? b : a));
  const before = results.reduce((a, b) =>
    b.unsharded.worst.writeUnits > a.unsharded.worst.writeUnits ? b : a,
  );
  return {
    hotKeyPeakWcu: worst.sharded.worst.writeUnits,
    hotKeyPeakWhere: `${worst.name}: ${worst.sharded.worst.target} ${worst.sharded.worst.key}`,
    hotKeyPeakWcuUnsharded: before.unsharded.worst.writeUnits,
    ...Object.fromEntries(results.map((r) => [`hotKeyPeakWcu_${r.name}`, r.sharded.worst.writeUnits])),
  };
}
