import type { AttributionRecord } from '../../lambda/domain';
import type { AttributionStore, WriteResult } from '../../lambda/ports';
import { type AttributionItem, keyOf, toItem, type WriteMeta } from '../../lambda/schema/attribution-table';
import type { Log, MetricSink } from '../../lambda/telemetry';

/** An in-memory attribution store with the same one-row-per-(event, instance) rule as DynamoDB. */
export class InMemoryStore implements AttributionStore {
  readonly rows = new Map<string, AttributionItem>();
  /** Set to make the next writes fail, like an unreachable table. */
  failWith: Error | null = null;

  async putRecords(records: readonly AttributionRecord[], meta: WriteMeta): Promise<WriteResult> {
    if (this.failWith) throw this.failWith;
    let written = 0;
    let duplicates = 0;
    for (const record of records) {
      const key = JSON.stringify(keyOf(record));
      if (this.rows.has(key)) duplicates++;
      else {
        this.rows.set(key, toItem(record, meta));
        written++;
      }
    }
    return { written, duplicates };
  }
}

export interface LogLine {
  level: string;
  message: string;
  extra: unknown[];
}

/** Records log lines and appended keys instead of printing them. */
export class FakeLog implements Log {
  readonly lines: LogLine[] = [];
  keys: Record<string, unknown> = {};
  debug = (message: string, ...extra: unknown[]) => void this.lines.push({ level: 'debug', message, extra });
  info = (message: string, ...extra: unknown[]) => void this.lines.push({ level: 'info', message, extra });
  warn = (message: string, ...extra: unknown[]) => void this.lines.push({ level: 'warn', message, extra });
  error = (message: string, ...extra: unknown[]) => void this.lines.push({ level: 'error', message, extra });
  appendKeys = (keys: Record<string, unknown>) => {
    this.keys = { ...this.keys, ...keys };
  };
  resetKeys = () => {
    this.keys = {};
  };
}

export class FakeMetrics implements MetricSink {
  readonly published: Record<string, number>[] = [];
  private pending: Record<string, number> = {};
  addMetric = (name: string, _unit: unknown, value: number) => {
    this.pending[name] = (this.pending[name] ?? 0) + value;
  };
  publishStoredMetrics = () => {
    this.published.push(this.pending);
    this.pending = {};
  };
  total(name: string): number {
    return this.published.reduce((sum, batch) => sum + (batch[name] ?? 0), 0);
  }
}
