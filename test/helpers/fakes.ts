import type { AlertMessage, AlertPublisher } from '../../lambda/ports';
import type { Log, MetricSink } from '../../lambda/telemetry';

export { MemoryAlertLedger as InMemoryLedger } from '../../lambda/adapters/memory-alert-ledger';
export { FailableMemoryStore as InMemoryStore } from './memory-store';

/** Collects published alerts; set `failWith` to make publishing fail. */
export class FakePublisher implements AlertPublisher {
  readonly sent: AlertMessage[] = [];
  failWith: Error | null = null;
  async publish(message: AlertMessage): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.sent.push(message);
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
