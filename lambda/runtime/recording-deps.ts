/**
 * The one place a recording handler's shared dependencies are built from clients: the live and
 * trail-file entry points, the benchmark and the tests call it, so they cannot drift apart.
 * Clients come in from the caller: Lambda's own, or the local emulators in tests.
 */

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAlertLedger } from '../adapters/dynamodb-alert-ledger';
import { DynamoDbAttributionStore } from '../adapters/dynamodb-attribution-store';
import { DynamoDbLineageStore } from '../adapters/dynamodb-lineage-store';
import { SnsAlertPublisher } from '../adapters/sns-alert-publisher';
import type { HandlerDeps } from '../handler';
import type { Log, MetricSink } from '../telemetry';

/** The document client every function writes rows with: undefined attributes left out, empty strings kept. */
export function documentsOf(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}

/** What the shared dependencies are built from. */
export interface RecordingWiring {
  readonly dynamodb: DynamoDBClient;
  readonly sns: SNSClient;
  readonly settings: {
    readonly tableName: string;
    readonly topicArn: string;
    /** Alerts carry the chat notification too. @default false */
    readonly chat?: boolean;
    /** Days to keep rows. @default undefined: forever */
    readonly retentionDays?: number | undefined;
  };
  readonly logger: Log;
  readonly metrics: MetricSink;
  /** @default the system clock */
  readonly clock?: () => Date;
}

/** The store, ledger, lineage and publisher on one table and one topic, with the telemetry and clock. */
export function recordingDeps(
  wiring: RecordingWiring,
): Omit<HandlerDeps, 'policy' | 'ingestedBy'> & { readonly ledger: DynamoDbAlertLedger } {
  const documents = documentsOf(wiring.dynamodb);
  const { tableName, topicArn } = wiring.settings;
  return {
    store: new DynamoDbAttributionStore(documents, tableName),
    ledger: new DynamoDbAlertLedger(documents, tableName),
    lineage: new DynamoDbLineageStore(documents, tableName),
    publisher: new SnsAlertPublisher(wiring.sns, topicArn, { chat: wiring.settings.chat ?? false }),
    logger: wiring.logger,
    metrics: wiring.metrics,
    clock: wiring.clock ?? (() => new Date()),
    retentionDays: wiring.settings.retentionDays,
  };
}
