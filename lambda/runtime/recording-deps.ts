/**
 * The one place a recording handler's shared dependencies are built: the live and trail-file
 * entry points, the remediation function, `ec2trail replay`, the benchmark and the tests call
 * it, so they cannot drift apart. The clients and the publisher come from the caller: Lambda's
 * own, the CLI's, or the local emulators in tests.
 */

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAlertLedger } from '../adapters/dynamodb-alert-ledger';
import { DynamoDbAttributionStore } from '../adapters/dynamodb-attribution-store';
import { DynamoDbLineageStore } from '../adapters/dynamodb-lineage-store';
import type { HandlerDeps } from '../handler';
import type { AlertPublisher } from '../ports';
import type { Log, MetricSink } from '../telemetry';

/** The document client every function writes rows with: undefined attributes left out, empty strings kept. */
export function documentsOf(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}

/** What the shared dependencies are built from. */
export interface RecordingWiring {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Where alerts go: the SNS topic, or the console for a local replay. */
  readonly publisher: AlertPublisher;
  readonly logger: Log;
  readonly metrics: MetricSink;
  /** @default the system clock */
  readonly clock?: () => Date;
  /** Days to keep rows. @default undefined: forever */
  readonly retentionDays?: number | undefined;
  /** Rows carry the legacy indexes' keys too (steps 1 and 2 of a table move). @default false */
  readonly legacyKeys?: boolean | undefined;
}

/** The store, ledger and lineage on one table, with the publisher, telemetry and clock. */
export function recordingDeps(wiring: RecordingWiring): Omit<HandlerDeps, 'policy' | 'ingestedBy'> & {
  readonly ledger: DynamoDbAlertLedger;
  readonly clock: () => Date;
} {
  const { documents, tableName } = wiring;
  return {
    store: new DynamoDbAttributionStore(documents, tableName, { legacyKeys: wiring.legacyKeys ?? false }),
    ledger: new DynamoDbAlertLedger(documents, tableName),
    lineage: new DynamoDbLineageStore(documents, tableName),
    publisher: wiring.publisher,
    logger: wiring.logger,
    metrics: wiring.metrics,
    clock: wiring.clock ?? (() => new Date()),
    retentionDays: wiring.retentionDays,
  };
}
